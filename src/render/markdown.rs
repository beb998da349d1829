//! A proposal's markdown as safe HTML: comrak with GitHub's extensions, raw HTML escaped, every
//! link checked (http(s), mailto, or relative to a page the site has), headings given ids for
//! the table of contents.

use comrak::nodes::{NodeLink, NodeValue};
use comrak::{Arena, Options};

/// A heading of the body, for the table of contents.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
}

/// The body as HTML, its headings, its abstract (the first paragraph of `## Abstract`, as plain
/// text) and its words for the search index.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub html: String,
    pub toc: Vec<Heading>,
    pub abstract_html: String,
    pub abstract_text: String,
    pub text: String,
}

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o.extension.header_id_prefix = Some(String::new());
    // Raw HTML in a proposal is shown as text, never passed through.
    o.render.r#unsafe = false;
    o.render.escape = true;
    o
}

/// What a URL from the repository may be in the site: a link out (http, https, mailto), a
/// link within it (relative: no scheme), or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    Web,
    Relative,
}

/// The kind of `url`, or `None` when it must not be a link (`javascript:`, `data:`, `//host`).
pub fn link_kind(url: &str) -> Option<LinkKind> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return (!u.chars().any(char::is_control)).then_some(LinkKind::Web);
    }
    // A relative URL has no scheme: no `:` before the first `/`, `?` or `#`. Browsers ignore
    // tabs and newlines inside a scheme, and `//host` leaves the site.
    if u.starts_with("//") || u.starts_with('\\') || u.chars().any(char::is_control) {
        return None;
    }
    let head = u.split(['/', '?', '#']).next().unwrap_or("");
    (!head.contains(':')).then_some(LinkKind::Relative)
}

/// Whether `url` may stand in a link of the site at all.
pub fn safe_url(url: &str) -> bool {
    link_kind(url).is_some()
}

/// Where a relative link in a proposal points in the site: a link to another proposal's file
/// (`0002-slug.md`, `./0002-slug.md`, `../proposals/0002-slug.md`) becomes its page; an anchor
/// stays; anything else relative (a file of the repository the site does not hold) is `None`.
fn rewrite_relative(url: &str, known: &dyn Fn(u32) -> bool) -> Option<String> {
    if url.starts_with('#') {
        return Some(url.to_owned());
    }
    let (path, frag) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let name = path
        .strip_prefix("./")
        .or_else(|| path.strip_prefix("../proposals/"))
        .unwrap_or(path);
    if name.contains('/') {
        return None;
    }
    let stem = name.strip_suffix(".md")?;
    let digits: String = stem.chars().take_while(char::is_ascii_digit).collect();
    let id: u32 = digits.parse().ok()?;
    if !known(id) {
        return None;
    }
    // From the proposals' folder or any other of the site's folders alike (an abstract is also
    // shown on topic pages).
    Some(match frag {
        Some(f) => format!("../proposals/{id:04}.html#{f}"),
        None => format!("../proposals/{id:04}.html"),
    })
}

/// Renders `markdown` (a proposal's body, without front matter). `known` says whether a
/// proposal id has a page, for links between proposals.
pub fn render(markdown: &str, known: &dyn Fn(u32) -> bool) -> Body {
    let arena = Arena::new();
    let opts = options();
    let root = comrak::parse_document(&arena, markdown, &opts);
    // Links: keep the safe ones (rewriting links to proposal files), unwrap the others.
    let mut unwrap = Vec::new();
    for node in root.descendants() {
        let mut data = node.data_mut();
        match &mut data.value {
            NodeValue::Link(link) => {
                if let Some(u) = check_link(link, known) {
                    link.url = u;
                } else {
                    unwrap.push(node);
                }
            }
            NodeValue::Image(link) => {
                // Images would be fetched at view time: only relative ones could be in the
                // site, and the site holds none. Shown as their alt text with a link instead.
                if check_link(link, known).is_some() && link_kind(&link.url) == Some(LinkKind::Web)
                {
                    data.value = NodeValue::Link(Box::new(NodeLink {
                        url: link.url.clone(),
                        title: link.title.clone(),
                    }));
                } else {
                    unwrap.push(node);
                }
            }
            _ => {}
        }
    }
    for node in unwrap {
        while let Some(child) = node.first_child() {
            child.detach();
            node.insert_before(child);
        }
        node.detach();
    }
    // Headings, with the ids comrak gives them: its own text of each heading (`collect_text`),
    // anchorized in document order over every heading (a quoted one takes its id too); the
    // table of contents lists the top-level ones.
    let mut anchors = comrak::Anchorizer::new();
    let mut toc = Vec::new();
    for node in root.descendants() {
        if let NodeValue::Heading(h) = &node.data().value {
            let text = node.collect_text();
            let id = anchors.anchorize(&text);
            if node.parent().is_some_and(|p| std::ptr::eq(p, root)) {
                toc.push(Heading {
                    level: h.level,
                    text,
                    id,
                });
            }
        }
    }
    // The abstract: the first paragraph under a level-2 "Abstract".
    let mut abstract_html = String::new();
    let mut abstract_text = String::new();
    let mut in_abstract = false;
    for node in root.children() {
        if let NodeValue::Heading(h) = &node.data().value {
            in_abstract =
                h.level == 2 && node.collect_text().trim().eq_ignore_ascii_case("abstract");
        } else if in_abstract
            && abstract_text.is_empty()
            && matches!(node.data().value, NodeValue::Paragraph)
        {
            abstract_text = plain_text(node);
            let _ = comrak::html::format_document(node, &opts, &mut abstract_html);
            in_abstract = false;
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let _ = comrak::format_html(root, &opts, &mut html);
    Body {
        html,
        toc,
        abstract_html,
        abstract_text,
        text: plain_text(root),
    }
}

/// The URL a link keeps in the site, or `None` when it must not be a link.
fn check_link(link: &NodeLink, known: &dyn Fn(u32) -> bool) -> Option<String> {
    match link_kind(&link.url)? {
        LinkKind::Relative => rewrite_relative(link.url.trim(), known),
        LinkKind::Web => Some(link.url.trim().to_owned()),
    }
}

/// The text of a node and its descendants, with spaces between blocks.
fn plain_text<'a>(node: &'a comrak::nodes::AstNode<'a>) -> String {
    let mut s = String::new();
    for n in node.descendants() {
        match &n.data().value {
            NodeValue::Text(t) => s.push_str(t),
            NodeValue::Code(c) => s.push_str(&c.literal),
            NodeValue::CodeBlock(c) => {
                s.push_str(&c.literal);
                s.push(' ');
            }
            NodeValue::HtmlInline(h) => s.push_str(h),
            NodeValue::HtmlBlock(h) => s.push_str(&h.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => s.push(' '),
            NodeValue::Paragraph | NodeValue::Heading(_) | NodeValue::Item(_)
                if !s.is_empty() && !s.ends_with(' ') =>
            {
                s.push(' ');
            }
            _ => {}
        }
    }
    s.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_mail_and_relative_links() {
        for ok in [
            "https://x.org",
            "HTTP://x.org",
            "mailto:a@b.org",
            "0002-x.md",
            "#abstract",
        ] {
            assert!(safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "//evil.org/x",
            "vbscript:x",
        ] {
            assert!(!safe_url(bad), "{bad}");
        }
    }

    /// Every entry of the table of contents links to a heading that has its id.
    #[test]
    fn the_contents_link_to_the_ids_comrak_gives() {
        let b = render(
            "> ## Notes\n\n## Notes\n\n## Foo <b>bar</b> `baz`\n\nText.\n",
            &|_| false,
        );
        assert_eq!(b.toc.len(), 2, "{:?}", b.toc);
        for h in &b.toc {
            assert!(
                b.html.contains(&format!("id=\"{}\"", h.id)),
                "{} not in {}",
                h.id,
                b.html
            );
        }
    }

    #[test]
    fn raw_html_is_text_and_bad_links_are_unwrapped() {
        let b = render(
            "## Abstract\n\nHello <script>alert(1)</script> [x](javascript:alert(2)) [y](0002-y.md) [z](../docs/z.md) ![i](https://x.org/i.png)\n\n## Motivation\n\nM.\n",
            &|id| id == 2,
        );
        assert!(!b.html.contains("<script"), "{}", b.html);
        assert!(b.html.contains("&lt;script&gt;"), "{}", b.html);
        assert!(!b.html.contains("javascript:"), "{}", b.html);
        assert!(
            b.html.contains("href=\"../proposals/0002.html\""),
            "{}",
            b.html
        );
        assert!(!b.html.contains("docs/z.md"), "{}", b.html);
        assert!(!b.html.contains("<img"), "{}", b.html);
        assert_eq!(b.toc.len(), 2);
        assert_eq!(b.toc[0].id, "abstract");
        assert!(b.abstract_text.starts_with("Hello <script>"));
    }
}
