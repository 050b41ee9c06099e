//! The Symbol constructor and Symbol.prototype (ECMA-262 2025, 20.4).

use std::rc::Rc;

use super::{R, arg, type_error};
use crate::property::{PropertyKey, Symbol};
use crate::realm::{Realm, realm};
use crate::value::{Class, JsValue};

/// ThisSymbolValue (20.4.3.4.1).
fn this_symbol_value(v: &JsValue, method: &str) -> Result<Symbol, JsValue> {
    match v {
        // 1. If value is a Symbol, return value.
        JsValue::Symbol(s) => Ok(s.clone()),
        // 2. If value is an Object and value has a [[SymbolData]] internal slot, then return
        // value.[[SymbolData]].
        JsValue::Object(o) => match o.class() {
            Class::Symbol(s) => Ok(s.clone()),
            _ => Err(type_error(&format!("{method} requires that 'this' be a Symbol"))),
        },
        // 3. Throw a TypeError exception.
        _ => Err(type_error(&format!("{method} requires that 'this' be a Symbol"))),
    }
}

pub(crate) fn install(r: &Rc<Realm>) {
    // 20.4.1.1 Symbol ( [ description ] )
    let symbol = r.native_ctor("Symbol", 0, |_, args, new_target| {
        // 1. If NewTarget is not undefined, throw a TypeError exception.
        if new_target {
            return Err(type_error("Symbol is not a constructor"));
        }
        // 2-3. If description is undefined, let descString be undefined; else ? ToString.
        let description = match arg(args, 0) {
            JsValue::Undefined => None,
            d => Some(d.to_js_string()?),
        };
        // 4. Return a new Symbol whose [[Description]] is descString.
        Ok(JsValue::Symbol(Symbol::new(description)))
    });
    let proto = &r.symbol_proto;
    symbol.define_with("prototype", JsValue::Object(proto.clone()), false, false, false);
    proto.define("constructor", JsValue::Object(symbol.clone()), false);
    // 20.4.2: the well-known symbols, { [[Writable]]: false, [[Enumerable]]: false,
    // [[Configurable]]: false }.
    for (name, s) in r.symbols.all() {
        symbol.define_with(name, JsValue::Symbol(s.clone()), false, false, false);
    }
    // 20.4.2.2 Symbol.for ( key )
    r.method(&symbol, "for", 1, |_, args, _| {
        // 1. Let stringKey be ? ToString(key).
        let key = arg(args, 0).to_js_string()?;
        let r = realm();
        let mut registry = r.symbol_registry.borrow_mut();
        // 2. For each element e of the GlobalSymbolRegistry: if SameValue(e.[[Key]],
        // stringKey) is true, return e.[[Symbol]].
        if let Some((_, s)) = registry.iter().find(|(k, _)| *k == key) {
            return Ok(JsValue::Symbol(s.clone()));
        }
        // 3-6. A new Symbol with stringKey as its description, registered and returned.
        let s = Symbol::new(Some(key.clone()));
        registry.push((key, s.clone()));
        Ok(JsValue::Symbol(s))
    });
    // 20.4.2.6 Symbol.keyFor ( sym )
    r.method(&symbol, "keyFor", 1, |_, args, _| {
        // 1. If sym is not a Symbol, throw a TypeError exception.
        let JsValue::Symbol(s) = arg(args, 0) else {
            return Err(type_error(&format!("{} is not a symbol", crate::inspect::inspect(&arg(args, 0)))));
        };
        // 2. Return KeyForSymbol(sym) (20.4.5.1).
        let r = realm();
        let registry = r.symbol_registry.borrow();
        Ok(registry
            .iter()
            .find(|(_, e)| e.ptr_eq(&s))
            .map_or(JsValue::Undefined, |(k, _)| JsValue::String(k.clone().into())))
    });
    // 20.4.3.2 get Symbol.prototype.description
    let description = r.native("get description", 0, |this, _, _| {
        // 1-3. Let sym be ? ThisSymbolValue(s); return sym.[[Description]].
        let s = this_symbol_value(this, "Symbol.prototype.description")?;
        Ok(s.description().map_or(JsValue::Undefined, |d| JsValue::String(d.into())))
    });
    proto.define_accessor("description", Some(JsValue::Object(description)), None, false);
    // 20.4.3.3 Symbol.prototype.toString ( ): SymbolDescriptiveString(? ThisSymbolValue(this)).
    r.method(proto, "toString", 0, |this, _, _| {
        let s = this_symbol_value(this, "Symbol.prototype.toString")?;
        Ok(JsValue::from(s.descriptive_string()))
    });
    // 20.4.3.4 Symbol.prototype.valueOf ( ): ? ThisSymbolValue(this value).
    r.method(proto, "valueOf", 0, |this, _, _| {
        Ok(JsValue::Symbol(this_symbol_value(this, "Symbol.prototype.valueOf")?))
    });
    // 20.4.3.5 Symbol.prototype [ @@toPrimitive ] ( hint ): { [[Writable]]: false, [[Configurable]]: true }.
    let to_primitive = r.native("[Symbol.toPrimitive]", 1, |this, _, _| -> R {
        Ok(JsValue::Symbol(this_symbol_value(this, "Symbol.prototype [ @@toPrimitive ]")?))
    });
    let key = PropertyKey::Symbol(r.symbols.to_primitive.clone());
    proto.define_with(&key, JsValue::Object(to_primitive), false, false, true);
    // 20.4.3.6 Symbol.prototype [ @@toStringTag ]: "Symbol", { [[Writable]]: false, [[Configurable]]: true }.
    let tag = PropertyKey::Symbol(r.symbols.to_string_tag.clone());
    proto.define_with(&tag, JsValue::from("Symbol"), false, false, true);
    r.global.define("Symbol", JsValue::Object(symbol), false);
}
