//! Operations on objects (ECMA-262 2025 section 7.3) that the Promise algorithms use: Call,
//! GetMethod, Invoke and SpeciesConstructor.

use super::{PropertyKey, Realm, TypeErrorCase};

/// 7.3.13 Call ( F, V \[ , argumentsList \] ).
///
/// ```
/// use settle_promise::realm::{Realm, call};
/// fn call_with_no_arguments<R: Realm>(realm: &R, f: &R::Value) -> Result<R::Value, R::Value> {
///     call(realm, f, &realm.undefined(), &[])
/// }
/// ```
///
/// # Errors
///
/// A TypeError when `function` is not callable; what the function throws.
pub fn call<R: Realm>(
    realm: &R,
    function: &R::Value,
    this: &R::Value,
    args: &[R::Value],
) -> Result<R::Value, R::Value> {
    // 1. If argumentsList is not present, set argumentsList to a new empty List.
    // 2. If IsCallable(F) is false, throw a TypeError exception.
    if !realm.is_callable(function) {
        return Err(realm.type_error(TypeErrorCase::NotCallable(function)));
    }
    // 3. Return ? F.[[Call]](V, argumentsList).
    realm.call(function, this, args)
}

/// 7.3.10 GetMethod ( V, P ): `None` for `undefined` or `null`.
///
/// ```
/// use settle_promise::realm::{PropertyKey, Realm, get_method};
/// fn has_return<R: Realm>(realm: &R, iterator: &R::Value) -> bool {
///     matches!(get_method(realm, iterator, PropertyKey::String("return")), Ok(Some(_)))
/// }
/// ```
///
/// # Errors
///
/// What the lookup throws; a TypeError when the property is neither nullish nor callable.
pub fn get_method<R: Realm>(
    realm: &R,
    value: &R::Value,
    key: PropertyKey<'_, R::Key>,
) -> Result<Option<R::Value>, R::Value> {
    // 1. Let func be ? GetV(V, P).
    let func = realm.get(value, key)?;
    // 2. If func is either undefined or null, return undefined.
    if realm.is_undefined(&func) || realm.is_null(&func) {
        return Ok(None);
    }
    // 3. If IsCallable(func) is false, throw a TypeError exception.
    if !realm.is_callable(&func) {
        return Err(realm.type_error(TypeErrorCase::NotCallable(&func)));
    }
    // 4. Return func.
    Ok(Some(func))
}

/// 7.3.20 Invoke ( V, P \[ , argumentsList \] ).
///
/// ```
/// use settle_promise::realm::{Realm, invoke};
/// fn then_nothing<R: Realm>(realm: &R, p: &R::Value) -> Result<R::Value, R::Value> {
///     invoke(realm, p, "then", &[])
/// }
/// ```
///
/// # Errors
///
/// What the lookup or the call throws; a TypeError when the property is not callable.
pub fn invoke<R: Realm>(
    realm: &R,
    value: &R::Value,
    name: &'static str,
    args: &[R::Value],
) -> Result<R::Value, R::Value> {
    // 1. If argumentsList is not present, set argumentsList to a new empty List.
    // 2. Let func be ? GetV(V, P).
    let func = realm.get(value, PropertyKey::String(name))?;
    // 3. Return ? Call(func, V, argumentsList).
    call(realm, &func, value, args)
}

/// 7.3.22 SpeciesConstructor ( O, defaultConstructor ).
///
/// ```
/// use settle_promise::realm::{Realm, species_constructor};
/// fn promise_species<R: Realm>(realm: &R, p: &R::Value) -> Result<R::Value, R::Value> {
///     species_constructor(realm, p, &realm.promise_constructor())
/// }
/// ```
///
/// # Errors
///
/// What the lookups throw; a TypeError when `constructor` is not an object or the species is
/// not a constructor.
pub fn species_constructor<R: Realm>(
    realm: &R,
    object: &R::Value,
    default_constructor: &R::Value,
) -> Result<R::Value, R::Value> {
    // 1. Let C be ? Get(O, "constructor").
    let c = realm.get(object, PropertyKey::String("constructor"))?;
    // 2. If C is undefined, return defaultConstructor.
    if realm.is_undefined(&c) {
        return Ok(default_constructor.clone());
    }
    // 3. If C is not an Object, throw a TypeError exception.
    if !realm.is_object(&c) {
        return Err(realm.type_error(TypeErrorCase::NotAnObject(&c)));
    }
    // 4. Let S be ? Get(C, %Symbol.species%).
    let s = realm.get(&c, PropertyKey::Species)?;
    // 5. If S is either undefined or null, return defaultConstructor.
    if realm.is_undefined(&s) || realm.is_null(&s) {
        return Ok(default_constructor.clone());
    }
    // 6. If IsConstructor(S) is true, return S.
    if realm.is_constructor(&s) {
        return Ok(s);
    }
    // 7. Throw a TypeError exception.
    Err(realm.type_error(TypeErrorCase::NotAConstructor(&s)))
}
