//! The BigInt constructor and BigInt.prototype (ECMA-262 2025, 21.2), for settle-js's 64-bit
//! BigInts (`bigint.rs`).

use std::rc::Rc;

use crate::bigint::{number_to_bigint, to_bigint};
use crate::realm::{Realm, realm};
use crate::value::JsValue;

pub(crate) fn install(r: &Rc<Realm>) {
    // 21.2.1.1 BigInt ( value )
    let bigint = r.native_ctor("BigInt", 1, |_, args, new_target| {
        // 1. If NewTarget is not undefined, throw a TypeError exception.
        if new_target {
            return Err(realm().error("TypeError", "BigInt is not a constructor"));
        }
        // 2. Let prim be ? ToPrimitive(value, number).
        let prim = args.first().cloned().unwrap_or_default().to_primitive(false)?;
        // 3. If prim is a Number, return ? NumberToBigInt(prim).
        if let JsValue::Number(x) = prim {
            return Ok(JsValue::BigInt(number_to_bigint(x)?));
        }
        // 4. Otherwise, return ? ToBigInt(prim).
        Ok(JsValue::BigInt(to_bigint(&prim)?))
    });
    let proto = &r.bigint_proto;
    bigint.define_with("prototype", JsValue::Object(proto.clone()), false, false, false);
    proto.define("constructor", JsValue::Object(bigint.clone()), false);
    // 21.2.3.3 BigInt.prototype.toString ( [ radix ] )
    r.method(proto, "toString", 0, |this, args, _| {
        // 1. Let x be ? ThisBigIntValue(this value).
        let x = this_bigint_value(this, "BigInt.prototype.toString")?;
        // 2-4. Let radixMV be ToIntegerOrInfinity(radix) (10 if undefined); a RangeError
        // outside 2-36.
        let radix = match args.first() {
            None | Some(JsValue::Undefined) => 10.0,
            Some(v) => v.to_number()?.trunc(),
        };
        if !(2.0..=36.0).contains(&radix) {
            return Err(realm().error("RangeError", "toString() radix must be between 2 and 36"));
        }
        // 5. Return BigInt::toString(x, radixMV).
        Ok(JsValue::from(to_radix(x, radix as u32)))
    });
    r.method(proto, "toLocaleString", 0, |this, _, _| {
        Ok(JsValue::from(this_bigint_value(this, "BigInt.prototype.toLocaleString")?.to_string()))
    });
    // 21.2.3.4 BigInt.prototype.valueOf ( ): Return ? ThisBigIntValue(this value).
    r.method(proto, "valueOf", 0, |this, _, _| {
        Ok(JsValue::BigInt(this_bigint_value(this, "BigInt.prototype.valueOf")?))
    });
    // 21.2.3.5 BigInt.prototype [ @@toStringTag ]: "BigInt", not writable or enumerable.
    let tag = crate::property::PropertyKey::Symbol(r.symbols.to_string_tag.clone());
    proto.define_with(&tag, JsValue::from("BigInt"), false, false, true);
    r.global.define("BigInt", JsValue::Object(bigint), false);
}

/// ThisBigIntValue (21.2.3.4.1): a BigInt or a BigInt wrapper's [[BigIntData]].
fn this_bigint_value(this: &JsValue, method: &str) -> Result<i64, JsValue> {
    match this {
        JsValue::BigInt(n) => Ok(*n),
        JsValue::Object(o) if let Some(JsValue::BigInt(n)) = o.primitive_data() => Ok(*n),
        _ => Err(realm().error("TypeError", &format!("{method} requires that 'this' be a BigInt"))),
    }
}

/// BigInt::toString (6.1.6.2.23) in `radix`, lower-case digits.
fn to_radix(x: i64, radix: u32) -> String {
    let mut magnitude = x.unsigned_abs();
    if magnitude == 0 {
        return "0".into();
    }
    let mut digits = Vec::new();
    while magnitude > 0 {
        let d = u32::try_from(magnitude % u64::from(radix)).unwrap_or(0);
        digits.push(char::from_digit(d, radix).unwrap_or('0'));
        magnitude /= u64::from(radix);
    }
    if x < 0 {
        digits.push('-');
    }
    digits.iter().rev().collect()
}
