//! %IteratorPrototype% (27.1.2), %ArrayIteratorPrototype% (23.1.5.2), %StringIteratorPrototype%
//! (22.1.5.2), and the methods that make iterators: Array.prototype.keys / values / entries /
//! @@iterator and String.prototype[@@iterator].

use std::rc::Rc;

use crate::iteration::{IterKind, create_list_iterator, list_iterator_next};
use crate::property::PropertyKey;
use crate::realm::Realm;
use crate::value::JsValue;

pub(crate) fn install(r: &Rc<Realm>) {
    let iterator_key = PropertyKey::Symbol(r.symbols.iterator.clone());
    let tag_key = PropertyKey::Symbol(r.symbols.to_string_tag.clone());
    // 27.1.2.1 %IteratorPrototype% [ @@iterator ] ( ): Return the this value.
    let this_fn = r.native("[Symbol.iterator]", 0, |this, _, _| Ok(this.clone()));
    r.iterator_proto.define(&iterator_key, JsValue::Object(this_fn), false);
    // %GeneratorPrototype% inherits from %IteratorPrototype% (27.5.1).
    r.generator_proto.set_prototype_of(Some(r.iterator_proto.clone()));
    r.generator_proto.define_with(&tag_key, JsValue::from("Generator"), false, false, true);
    // 27.1.3.1 %AsyncIteratorPrototype% [ @@asyncIterator ] ( ): Return the this value.
    let async_iterator_key = PropertyKey::Symbol(r.symbols.async_iterator.clone());
    let this_fn = r.native("[Symbol.asyncIterator]", 0, |this, _, _| Ok(this.clone()));
    r.async_iterator_proto.define(&async_iterator_key, JsValue::Object(this_fn), false);
    // %AsyncGeneratorPrototype% inherits from %AsyncIteratorPrototype% (27.6.1); its
    // @@toStringTag is "AsyncGenerator" (27.6.1.5).
    r.async_generator_proto.set_prototype_of(Some(r.async_iterator_proto.clone()));
    r.async_generator_proto.define_with(&tag_key, JsValue::from("AsyncGenerator"), false, false, true);

    for (proto, tag) in
        [(&r.array_iterator_proto, "Array Iterator"), (&r.string_iterator_proto, "String Iterator")]
    {
        proto.set_prototype_of(Some(r.iterator_proto.clone()));
        let next = r.native("next", 0, |this, _, _| list_iterator_next(this));
        if std::ptr::eq(proto, &r.array_iterator_proto) {
            *r.array_iterator_next.borrow_mut() = Some(next.clone());
        }
        proto.define("next", JsValue::Object(next), false);
        proto.define_with(&tag_key, JsValue::from(tag), false, false, true);
    }

    // 23.1.3.18 keys, 23.1.3.38 values, 23.1.3.5 entries: CreateArrayIterator(? ToObject(this), kind).
    let array_proto = &r.array_proto;
    for (name, kind) in
        [("keys", IterKind::Keys), ("entries", IterKind::Entries), ("values", IterKind::Values)]
    {
        let f = r.native(name, 0, move |this, _, _| {
            let o = super::object::to_object(this)?;
            Ok(create_list_iterator(JsValue::Object(o), kind))
        });
        if kind == IterKind::Values {
            // 23.1.3.40 Array.prototype [ @@iterator ] is the same function object.
            array_proto.define(&iterator_key, JsValue::Object(f.clone()), false);
            *r.array_values.borrow_mut() = Some(f.clone());
        }
        array_proto.define(name, JsValue::Object(f), false);
    }
    // 22.1.3.36 String.prototype [ @@iterator ] ( ).
    let string_iterator = r.native("[Symbol.iterator]", 0, |this, _, _| {
        if this.is_nullish() {
            return Err(super::type_error("String.prototype[Symbol.iterator] called on null or undefined"));
        }
        Ok(create_list_iterator(JsValue::String(this.to_js_string()?.into()), IterKind::Values))
    });
    r.string_proto.define(&iterator_key, JsValue::Object(string_iterator), false);
}
