//! Object Environment Records (ECMA-262 9.1.1.2) as the `with` statement (14.11) makes them:
//! a scope whose bindings are the properties of an object, with [[IsWithEnvironment]] true
//! (so `Symbol.unscopables` hides names, and a function found here is called with the object
//! as `this`). The scope chain holds one as a [`crate::interp::Scope`] with an object; the
//! identifier resolution in `interp.rs` asks these functions about it.

use crate::property::PropertyKey;
use crate::realm::realm;
use crate::value::{JsValue, Obj};

/// HasBinding(N) of an object Environment Record (9.1.1.2.1) with [[IsWithEnvironment]]
/// true.
pub(crate) fn has_binding(binding_object: &Obj, name: &str) -> Result<bool, JsValue> {
    // 1. Let bindingObject be envRec.[[BindingObject]].
    // 2. Let foundBinding be ? HasProperty(bindingObject, N).
    // 3. If foundBinding is false, return false.
    if !binding_object.has_property(name) {
        return Ok(false);
    }
    // 4. If envRec.[[IsWithEnvironment]] is false, return true (always a `with` here).
    // 5. Let unscopables be ? Get(bindingObject, @@unscopables).
    let key = PropertyKey::Symbol(realm().symbols.unscopables.clone());
    let unscopables = binding_object.get(&key)?;
    // 6. If unscopables is an Object, then
    if let JsValue::Object(unscopables) = unscopables {
        // a. Let blocked be ToBoolean(? Get(unscopables, N)).
        // b. If blocked is true, return false.
        if unscopables.get(name)?.truthy() {
            return Ok(false);
        }
    }
    // 7. Return true.
    Ok(true)
}

/// GetBindingValue(N, S) of an object Environment Record (9.1.1.2.6).
pub(crate) fn get_binding_value(binding_object: &Obj, name: &str, strict: bool) -> Result<JsValue, JsValue> {
    // 2. Let value be ? HasProperty(bindingObject, N).
    // 3. If value is false, then: if S is false, return undefined; otherwise throw a
    //    ReferenceError exception (the property went away since HasBinding).
    if !binding_object.has_property(name) {
        if !strict {
            return Ok(JsValue::Undefined);
        }
        return Err(realm().error("ReferenceError", &format!("{name} is not defined")));
    }
    // 4. Return ? Get(bindingObject, N).
    binding_object.get(name)
}

/// SetMutableBinding(N, V, S) of an object Environment Record (9.1.1.2.5).
pub(crate) fn set_mutable_binding(
    binding_object: &Obj,
    name: &str,
    value: JsValue,
    strict: bool,
) -> Result<(), JsValue> {
    // 2. Let stillExists be ? HasProperty(bindingObject, N).
    // 3. If stillExists is false and S is true, throw a ReferenceError exception.
    if strict && !binding_object.has_property(name) {
        return Err(realm().error("ReferenceError", &format!("{name} is not defined")));
    }
    // 4. Perform ? Set(bindingObject, N, V, S).
    crate::interp::set_member(
        &JsValue::Object(binding_object.clone()),
        &PropertyKey::from(name),
        value,
        strict,
    )
}

/// DeleteBinding(N) of an object Environment Record (9.1.1.2.7): Return ?
/// bindingObject.[[Delete]](N).
pub(crate) fn delete_binding(binding_object: &Obj, name: &str) -> bool {
    binding_object.delete(name)
}
