//! The Math object (ECMA-262 21.3): the constants and functions of the subset.

use std::rc::Rc;

use super::arg;
use crate::realm::{Realm, realm};
use crate::value::JsValue;

pub(super) fn install(r: &Rc<Realm>) {
    let math = r.new_object();
    math.define("PI", JsValue::Number(std::f64::consts::PI), false);
    math.define("E", JsValue::Number(std::f64::consts::E), false);
    r.method(&math, "random", 0, |_, _, _| Ok(JsValue::Number(realm().random())));
    type Unary = (&'static str, fn(f64) -> f64);
    let unary: [Unary; 12] = [
        ("floor", f64::floor),
        ("ceil", f64::ceil),
        ("round", |x| (x + 0.5).floor()),
        ("abs", f64::abs),
        ("sqrt", f64::sqrt),
        ("trunc", f64::trunc),
        ("sign", |x| if x.is_nan() || x == 0.0 { x } else { x.signum() }),
        ("log", f64::ln),
        ("exp", f64::exp),
        ("sin", f64::sin),
        ("cos", f64::cos),
        ("log2", f64::log2),
    ];
    for (name, f) in unary {
        r.method(&math, name, 1, move |_, args, _| Ok(JsValue::Number(f(arg(args, 0).to_number()?))));
    }
    r.method(&math, "pow", 2, |_, args, _| {
        Ok(JsValue::Number(arg(args, 0).to_number()?.powf(arg(args, 1).to_number()?)))
    });
    r.method(&math, "max", 2, |_, args, _| extremum(args, f64::NEG_INFINITY, f64::max));
    r.method(&math, "min", 2, |_, args, _| extremum(args, f64::INFINITY, f64::min));
    r.global.define("Math", JsValue::Object(math), false);
}

/// `Math.max` / `Math.min`: arguments converted with ToNumber in order, `start` for none. It
/// returns NaN at the first NaN without converting the rest, where the spec (21.3.2.24) converts
/// every argument first: observable only through a later argument's `valueOf` side effects.
fn extremum(args: &[JsValue], start: f64, pick: fn(f64, f64) -> f64) -> Result<JsValue, JsValue> {
    let mut m = start;
    for a in args {
        let n = a.to_number()?;
        if n.is_nan() {
            return Ok(JsValue::Number(f64::NAN));
        }
        m = pick(m, n);
    }
    Ok(JsValue::Number(m))
}
