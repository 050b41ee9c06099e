//! PromiseCapability Records (27.2.1.1), IfAbruptRejectPromise (27.2.1.1.1) and
//! NewPromiseCapability (27.2.1.5), for any constructor. Section numbers: ECMA-262 2025.

use std::cell::{OnceCell, RefCell};
use std::fmt;

use super::operations::call;
use super::resolving::{RealmResolvers, create_resolving_functions, resolve_function};
use super::{Realm, RealmPromise, TypeErrorCase, argument};

/// 27.2.1.1 PromiseCapability Record: a promise object and the functions that resolve it.
///
/// Made by [`new_promise_capability`]. When the constructor is %Promise%, the promise is a
/// settle promise and the functions are its native resolving functions, made into engine
/// functions only if someone asks for them ([`PromiseCapability::resolve_function`]); with any
/// other constructor, they are whatever its executor received.
///
/// ```
/// use settle_promise::realm::{Realm, new_promise_capability};
/// fn resolved_with<R: Realm>(realm: &R, c: &R::Value, v: R::Value) -> Result<R::Value, R::Value> {
///     let capability = new_promise_capability(realm, c)?;
///     capability.resolve(realm, v)?;
///     Ok(capability.promise().clone())
/// }
/// ```
pub struct PromiseCapability<R: Realm> {
    /// \[\[Promise\]\].
    promise: R::Value,
    functions: Functions<R>,
}

/// \[\[Resolve\]\] and \[\[Reject\]\].
enum Functions<R: Realm> {
    /// %Promise%'s own: the settle promise's resolving functions, and their engine functions
    /// once made (made once, so that each is one function object).
    Intrinsic { resolvers: RealmResolvers<R>, resolve: OnceCell<R::Value>, reject: OnceCell<R::Value> },
    /// A foreign constructor's, as its executor received them.
    Foreign { resolve: R::Value, reject: R::Value },
}

impl<R: Realm> PromiseCapability<R> {
    /// The capability of a new settle promise with its native resolving functions.
    pub(crate) fn intrinsic(realm: &R) -> PromiseCapability<R> {
        let (promise, resolvers) = RealmPromise::<R>::with_resolvers();
        PromiseCapability {
            promise: realm.promise_object(promise),
            functions: Functions::Intrinsic { resolvers, resolve: OnceCell::new(), reject: OnceCell::new() },
        }
    }

    /// \[\[Promise\]\].
    ///
    /// ```
    /// use settle_promise::realm::{PromiseCapability, Realm};
    /// fn promise_of<R: Realm>(capability: &PromiseCapability<R>) -> R::Value {
    ///     capability.promise().clone()
    /// }
    /// ```
    pub fn promise(&self) -> &R::Value {
        &self.promise
    }

    /// The settle promise's resolving functions, when the constructor was %Promise%.
    ///
    /// ```
    /// use settle_promise::realm::{PromiseCapability, Realm};
    /// fn is_native<R: Realm>(capability: &PromiseCapability<R>) -> bool {
    ///     capability.resolvers().is_some()
    /// }
    /// ```
    pub fn resolvers(&self) -> Option<&crate::Resolvers<R::Value, R::Value, R::Thenables>> {
        match &self.functions {
            Functions::Intrinsic { resolvers, .. } => Some(resolvers),
            Functions::Foreign { .. } => None,
        }
    }

    /// \[\[Resolve\]\] as an engine function (the same object on every call).
    ///
    /// ```
    /// use settle_promise::realm::{PromiseCapability, Realm};
    /// fn same<R: Realm>(realm: &R, capability: &PromiseCapability<R>) -> bool {
    ///     realm.same_value(&capability.resolve_function(realm), &capability.resolve_function(realm))
    /// }
    /// ```
    pub fn resolve_function(&self, realm: &R) -> R::Value {
        match &self.functions {
            Functions::Intrinsic { resolvers, resolve, .. } => {
                resolve.get_or_init(|| self.make_functions(realm, resolvers).0).clone()
            }
            Functions::Foreign { resolve, .. } => resolve.clone(),
        }
    }

    /// \[\[Reject\]\] as an engine function (the same object on every call).
    ///
    /// ```
    /// use settle_promise::realm::{PromiseCapability, Realm};
    /// fn same<R: Realm>(realm: &R, capability: &PromiseCapability<R>) -> bool {
    ///     realm.same_value(&capability.reject_function(realm), &capability.reject_function(realm))
    /// }
    /// ```
    pub fn reject_function(&self, realm: &R) -> R::Value {
        match &self.functions {
            Functions::Intrinsic { resolvers, reject, .. } => {
                reject.get_or_init(|| self.make_functions(realm, resolvers).1).clone()
            }
            Functions::Foreign { reject, .. } => reject.clone(),
        }
    }

    /// Both engine functions at once, keeping whichever was made already.
    fn make_functions(&self, realm: &R, resolvers: &RealmResolvers<R>) -> (R::Value, R::Value) {
        let Functions::Intrinsic { resolve, reject, .. } = &self.functions else { unreachable!() };
        let (new_resolve, new_reject) = create_resolving_functions(realm, resolvers);
        let resolve = resolve.get().cloned().unwrap_or(new_resolve);
        let reject = reject.get().cloned().unwrap_or(new_reject);
        (resolve, reject)
    }

    /// `Call(capability.[[Resolve]], undefined, « value »)`.
    ///
    /// ```
    /// use settle_promise::realm::{PromiseCapability, Realm};
    /// fn fulfill<R: Realm>(realm: &R, capability: &PromiseCapability<R>) -> Result<(), R::Value> {
    ///     capability.resolve(realm, realm.undefined())
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// What a foreign `resolve` throws (the native one never throws).
    pub fn resolve(&self, realm: &R, value: R::Value) -> Result<(), R::Value> {
        match &self.functions {
            Functions::Intrinsic { resolvers, .. } => {
                resolve_function(realm, resolvers, value);
                Ok(())
            }
            Functions::Foreign { resolve, .. } => {
                call(realm, resolve, &realm.undefined(), &[value]).map(drop)
            }
        }
    }

    /// `Call(capability.[[Reject]], undefined, « reason »)`.
    ///
    /// ```
    /// use settle_promise::realm::{PromiseCapability, Realm};
    /// fn reject<R: Realm>(realm: &R, capability: &PromiseCapability<R>) -> Result<(), R::Value> {
    ///     capability.reject(realm, realm.undefined())
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// What a foreign `reject` throws (the native one never throws).
    pub fn reject(&self, realm: &R, reason: R::Value) -> Result<(), R::Value> {
        match &self.functions {
            Functions::Intrinsic { resolvers, .. } => {
                resolvers.reject(reason);
                Ok(())
            }
            Functions::Foreign { reject, .. } => call(realm, reject, &realm.undefined(), &[reason]).map(drop),
        }
    }
}

impl<R: Realm> fmt::Debug for PromiseCapability<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.functions {
            Functions::Intrinsic { .. } => "intrinsic",
            Functions::Foreign { .. } => "foreign",
        };
        f.debug_struct("PromiseCapability").field("promise", &self.promise).field("functions", &kind).finish()
    }
}

/// 27.2.1.1.1 IfAbruptRejectPromise ( value, capability ), for an abrupt `value` (its error):
/// rejects the capability's promise and gives it back, so that an error becomes a rejection
/// instead of a throw.
///
/// ```
/// use settle_promise::realm::{PromiseCapability, Realm, if_abrupt_reject_promise};
/// fn rejected<R: Realm>(realm: &R, capability: &PromiseCapability<R>, e: R::Value) -> Result<R::Value, R::Value> {
///     if_abrupt_reject_promise(realm, e, capability)
/// }
/// ```
///
/// # Errors
///
/// What a foreign `reject` throws.
pub fn if_abrupt_reject_promise<R: Realm>(
    realm: &R,
    error: R::Value,
    capability: &PromiseCapability<R>,
) -> Result<R::Value, R::Value> {
    // 1. Assert: value is a Completion Record.
    // 2. If value is an abrupt completion, then
    //    a. Perform ? Call(capability.[[Reject]], undefined, « value.[[Value]] »).
    capability.reject(realm, error)?;
    //    b. Return capability.[[Promise]].
    Ok(capability.promise().clone())
}

/// 27.2.1.5 NewPromiseCapability ( C ).
///
/// With C = %Promise%, a settle promise and its native resolving functions (constructing
/// %Promise% with a built-in executor runs no script, so this is unobservable).
///
/// ```
/// use settle_promise::realm::{Realm, new_promise_capability};
/// fn pending<R: Realm>(realm: &R) -> R::Value {
///     let capability = new_promise_capability(realm, &realm.promise_constructor()).unwrap();
///     capability.promise().clone()
/// }
/// ```
///
/// # Errors
///
/// A TypeError when `C` is not a constructor, when its executor is called again after it
/// received a function, or when it did not receive two functions; what `C` throws.
pub fn new_promise_capability<R: Realm>(realm: &R, c: &R::Value) -> Result<PromiseCapability<R>, R::Value> {
    if realm.is_intrinsic_promise(c) {
        return Ok(PromiseCapability::intrinsic(realm));
    }
    // 1. If IsConstructor(C) is false, throw a TypeError exception.
    if !realm.is_constructor(c) {
        return Err(realm.type_error(TypeErrorCase::NotAConstructor(c)));
    }
    // 2. NOTE: C is assumed to be a constructor function that supports the parameter
    //    conventions of the Promise constructor (see 27.2.3.1).
    // 3. Let resolvingFunctions be the Record { [[Resolve]]: undefined, [[Reject]]: undefined }.
    let resolving_functions = std::rc::Rc::new(RefCell::new((realm.undefined(), realm.undefined())));
    // 4. Let executorClosure be a new Abstract Closure with parameters (resolve, reject) that
    //    captures resolvingFunctions and performs the following steps when called:
    let record = resolving_functions.clone();
    let executor_closure = move |realm: &R, args: &[R::Value]| {
        let mut record = record.borrow_mut();
        // a. If resolvingFunctions.[[Resolve]] is not undefined, throw a TypeError exception.
        // b. If resolvingFunctions.[[Reject]] is not undefined, throw a TypeError exception.
        if !realm.is_undefined(&record.0) || !realm.is_undefined(&record.1) {
            return Err(realm.type_error(TypeErrorCase::ExecutorAlreadyCalled));
        }
        // c. Set resolvingFunctions.[[Resolve]] to resolve.
        // d. Set resolvingFunctions.[[Reject]] to reject.
        *record = (argument(realm, args, 0), argument(realm, args, 1));
        // e. Return NormalCompletion(undefined).
        Ok(realm.undefined())
    };
    // 5. Let executor be CreateBuiltinFunction(executorClosure, 2, "", « »).
    let executor = realm.create_builtin_function(2, executor_closure);
    // 6. Let promise be ? Construct(C, « executor »).
    let promise = realm.construct(c, &[executor])?;
    let (resolve, reject) = resolving_functions.borrow().clone();
    // 7. If IsCallable(resolvingFunctions.[[Resolve]]) is false, throw a TypeError exception.
    // 8. If IsCallable(resolvingFunctions.[[Reject]]) is false, throw a TypeError exception.
    if !realm.is_callable(&resolve) || !realm.is_callable(&reject) {
        return Err(realm.type_error(TypeErrorCase::ResolveNotCallable));
    }
    // 9. Return the PromiseCapability Record { [[Promise]]: promise, [[Resolve]]:
    //    resolvingFunctions.[[Resolve]], [[Reject]]: resolvingFunctions.[[Reject]] }.
    Ok(PromiseCapability { promise, functions: Functions::Foreign { resolve, reject } })
}
