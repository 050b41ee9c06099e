//! `--trace=html`: one self-contained page that replays a run step by step.
//!
//! The page holds the script's source and the run's events (the objects `--trace=json`
//! prints) as JSON in a `<script type="application/json">` element, and its own style and
//! code (`page.css`, `page.js`, kept as files of this crate and included here). Everything
//! the replay shows (the queues, the timers, the stack, the console, why each step happens) is
//! computed by `page.js` from the events alone, so the JSON trace and the page cannot tell
//! different stories. The page loads nothing: its Content-Security-Policy forbids any fetch.

use crate::quote_json_string;

/// The page's style.
const STYLE: &str = include_str!("page.css");
/// The page's code: the replay of the events and the controls.
const SCRIPT: &str = include_str!("page.js");

/// The page up to its data's first event: the head, the controls, and the start of the data
/// (`file`, its `source`, and `first`, the trace's first event as a JSON object). The events that
/// follow are [`event`]s; [`tail`] ends the page. Written as the run goes, the page costs no
/// memory for its events.
pub(super) fn head(file: &str, source: &str, first: &str) -> String {
    let data = format!(
        "{{\"file\":{},\"source\":{},\"events\":[\n{first}",
        quote_json_string(file),
        quote_json_string(source)
    );
    let title = escape_html(file);
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>settle trace: {title}</title>
<style>
{STYLE}</style>
</head>
<body>
<header>
<h1>settle trace <span class="file">{title}</span></h1>
<nav>
<button id="first" title="first step (Home)">first</button>
<button id="back" title="step back (&#x2190;)">&#x25C0; back</button>
<span id="step"></span>
<button id="forward" title="step forward (&#x2192;)">forward &#x25B6;</button>
<button id="last" title="last step (End)">last</button>
<span id="clock"></span>
</nav>
</header>
<p id="warning" hidden></p>
<p id="why"></p>
<main>
<section id="source-panel">
<h2>Source</h2>
<p class="legend"><span style="background:var(--run)">running</span> <span style="background:var(--queued)">where the running callback was queued</span></p>
<ol id="source"></ol>
</section>
<section id="state-panel">
<h2>Call stack</h2>
<ol id="stack"></ol>
<h2>Macrotask queue</h2>
<ol id="queue-task" class="queue"></ol>
<h2>Microtask queue</h2>
<ol id="queue-microtask" class="queue"></ol>
<div id="nextTick-panel">
<h2>nextTick queue</h2>
<ol id="queue-nextTick" class="queue"></ol>
</div>
<h2>Timers</h2>
<ol id="timers"></ol>
<h2>Console</h2>
<ol id="console"></ol>
</section>
<section id="steps-panel">
<h2>Steps</h2>
<ol id="steps"></ol>
</section>
</main>
<script type="application/json" id="trace-data">{data}"#,
        data = escape_script(&data),
    )
}

/// One event after the first, as a JSON object, in the page's data.
pub(super) fn event(object: &str) -> String {
    format!(",\n{}", escape_script(object))
}

/// The end of the data and of the page: its code.
pub(super) fn tail() -> String {
    format!("\n]}}</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n")
}

/// JSON made safe inside a `<script>` element: every `<` (which JSON has only inside
/// strings) becomes `\u003c`, so no `</script>` or `<!--` in the data can end or bend the
/// element, and `JSON.parse` reads back the same text.
fn escape_script(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// Text made safe in HTML content and attribute values.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole page: its head with the first event, the others, and its end.
    fn page(file: &str, source: &str, events: &[String]) -> String {
        let first = events.first().map_or("{}", String::as_str);
        let rest: String = events.iter().skip(1).map(|e| event(e)).collect();
        head(file, source, first) + &rest + &tail()
    }

    #[test]
    fn the_page_code_cannot_end_its_own_element() {
        for asset in [STYLE, SCRIPT] {
            let lower = asset.to_ascii_lowercase();
            assert!(!lower.contains("</script") && !lower.contains("</style") && !lower.contains("<!--"));
        }
    }

    #[test]
    fn data_and_names_are_escaped() {
        let events = [r#"{"event":"console","text":"</script><!--"}"#.to_string()];
        let page = page("a<b>&\".js", "x = '</script>'", &events);
        assert_eq!(page.matches("</script>").count(), 2, "only the two elements' own ends:\n{page}");
        assert!(!page.contains("<!--"), "{page}");
        assert!(page.contains(r#""text":"\u003c/script>\u003c!--""#), "{page}");
        assert!(page.contains("<title>settle trace: a&lt;b&gt;&amp;&quot;.js</title>"), "{page}");
    }

    #[test]
    fn the_page_loads_nothing() {
        let page = page("f.js", "", &[]);
        for fetch in ["src=", "href=", "http:", "https:", "url(", "@import"] {
            assert!(!page.contains(fetch), "the page fetches through {fetch}");
        }
    }
}
