//! The book's promise patterns (chapter 3, sections 3.6 and 3.8), kept apart from the spec API:
//! none of these is part of ECMA-262.
