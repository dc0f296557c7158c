#!/usr/bin/env python3
"""Checks Sinergi's XForms against pyxform, the reference XLSForm converter.

Usage: xlsform_check.py FORM.xlsx FORM.xml [FORM.xlsx FORM.xml ...]

For every pair: converts the workbook with pyxform (without its validation), compares
Sinergi's XForm (FORM.xml) with pyxform's structurally, and runs ODK Validate (bundled in
pyxform; needs Java) on Sinergi's XForm. Prints each difference as
`FORM: what: sinergi … / pyxform …` and exits 1 when there is any; exits 0 otherwise.

Compared: the title; the primary instance (element names, nesting and order, `jr:template`
on repeats, default values, the `id` and `version` of the root); the secondary instances
(one per list, their items' children); every bind by nodeset (type, required, relevant,
constraint, calculate, readonly, jr:constraintMsg, jr:preload, jr:preloadParams); the body
controls in order (element, ref/nodeset, appearance, mediatype, label and hint, itemset
nodeset and its value and label refs); the itext languages, the default one and every text
by id with its media values (`image`, `big-image`, `audio`, `video`). Run by the
`xlsform::odk_check` unit test of sinergi-core (docs/adr/0030-…).
"""

import concurrent.futures
import os
import sys
import xml.etree.ElementTree as ET

from pyxform.validators.odk_validate import ODKValidateError, check_xform
from pyxform.xls2xform import convert

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"
JR = "{http://openrosa.org/javarosa}"

BIND_ATTRS = [
    "type",
    "required",
    "relevant",
    "constraint",
    "calculate",
    "readonly",
    JR + "constraintMsg",
    JR + "preload",
    JR + "preloadParams",
]
CONTROLS = {"input", "select1", "select", "upload", "trigger", "group", "repeat"}


def expr(text):
    """An expression without the whitespace outside its string literals, and string
    literals without whitespace at their ends.

    pyxform writes every `${name}` as ` /data/name ` (spaces around the path) and keeps
    the author's spacing otherwise; whitespace between XPath tokens has no meaning, so it
    is dropped on both sides before comparing. The spaces also land inside quotes, as in
    `jr:choice-name(/data/q, ' /data/q ')`, whose second argument is read as a path, where
    they have no meaning either.
    """
    if text is None:
        return None
    out, quote, literal = [], None, []
    for c in text:
        if quote:
            if c == quote:
                out.append(quote + "".join(literal).strip() + quote)
                quote, literal = None, []
            else:
                literal.append(c)
        elif c in "'\"":
            quote = c
        elif not c.isspace():
            out.append(c)
    if quote:
        out.append(quote + "".join(literal))
    return "".join(out)


def short(tag):
    """A tag without its namespace, with `jr:`/`h:` kept readable."""
    for ns, prefix in ((XF, ""), (H, "h:"), (JR, "jr:")):
        if tag.startswith(ns):
            return prefix + tag[len(ns) :]
    return tag


def rich(el):
    """The text of a label, hint or itext value: text with `<output value>` as `{path}`,
    whitespace collapsed."""
    if el is None:
        return None
    parts = [el.text or ""]
    for child in el:
        if short(child.tag) == "output":
            parts.append("{" + expr(child.get("value")) + "}")
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def model(root):
    return root.find(f"{H}head/{XF}model")


def title(root):
    t = root.find(f"{H}head/{H}title")
    return None if t is None else (t.text or "").strip()


def primary(root):
    """The primary instance as lines `path [template] = default`, in document order."""
    inst = [i for i in model(root).findall(f"{XF}instance") if i.get("id") is None][0]
    data = list(inst)[0]
    lines = [f"root {short(data.tag)} id={data.get('id')} version={data.get('version')}"]

    def walk(el, path):
        for child in el:
            p = f"{path}/{short(child.tag)}"
            mark = " template" if child.get(JR + "template") is not None else ""
            text = (child.text or "").strip()
            lines.append(f"{p}{mark}" + (f" = {text}" if text else ""))
            walk(child, p)

    walk(data, "/" + short(data.tag))
    return lines


def secondary(root):
    """Secondary instances by id: each item as `child=text` pairs."""
    out = {}
    for inst in model(root).findall(f"{XF}instance"):
        if inst.get("id") is None:
            continue
        items = []
        for item in inst.iter(f"{XF}item"):
            items.append(
                " ".join(
                    f"{short(c.tag)}={(c.text or '').strip()}" for c in sorted(item, key=lambda c: c.tag)
                )
            )
        out[inst.get("id")] = items
    return out


def binds(root):
    out = {}
    for b in model(root).findall(f"{XF}bind"):
        attrs = {}
        for a in BIND_ATTRS:
            v = b.get(a)
            if v is not None:
                attrs[short(a)] = expr(v) if a != "type" else v
        out[b.get("nodeset")] = attrs
    return out


def body(root):
    """The controls in document order, each as one descriptive line."""
    lines = []

    def walk(el, depth):
        for child in el:
            tag = short(child.tag)
            if tag not in CONTROLS:
                continue
            parts = [tag]
            for a in ("ref", "nodeset", "appearance", "mediatype"):
                if child.get(a) is not None:
                    parts.append(f"{a}={child.get(a)}")
            label = child.find(f"{XF}label")
            if label is not None:
                parts.append(f"label={label.get('ref') or rich(label)}")
            hint = child.find(f"{XF}hint")
            if hint is not None:
                parts.append(f"hint={hint.get('ref') or rich(hint)}")
            itemset = child.find(f"{XF}itemset")
            if itemset is not None:
                parts.append(f"itemset={expr(itemset.get('nodeset'))}")
                value = itemset.find(f"{XF}value")
                ilabel = itemset.find(f"{XF}label")
                parts.append(f"value={None if value is None else value.get('ref')}")
                parts.append(f"item-label={None if ilabel is None else ilabel.get('ref')}")
            lines.append("  " * depth + " ".join(parts))
            walk(child, depth + 1)

    walk(root.find(f"{H}body"), 0)
    return lines


def itext(root):
    """(languages with the default marked, {language: {id: text}})."""
    it = model(root).find(f"{XF}itext")
    if it is None:
        return [], {}
    langs, texts = [], {}
    for t in it.findall(f"{XF}translation"):
        lang = t.get("lang")
        langs.append(lang + (" (default)" if t.get("default") == "true()" else ""))
        # A text's values: the plain one and its media (`image: jr://images/a.png`), in
        # an order that means nothing to ODK Collect or Enketo.
        texts[lang] = {
            x.get("id"): " | ".join(
                sorted((f"{v.get('form')}: " if v.get("form") else "") + rich(v) for v in x.findall(f"{XF}value"))
            )
            for x in t.findall(f"{XF}text")
        }
    # The order of translations is not meaningful to ODK Collect or Enketo; the default
    # is marked.
    return sorted(langs), texts


def compare(name, ours, theirs):
    """The differences between Sinergi's XForm and pyxform's. Binds are compared by
    nodeset and itext texts by id, since their order means nothing to ODK Collect or
    Enketo; ElementTree resolves namespaces, so prefixes, namespace declarations and the
    order of attributes are not compared either."""
    diffs = []

    def diff(what, a, b):
        if a != b:
            diffs.append(f"{name}: {what}: sinergi {a!r} / pyxform {b!r}")

    diff("title", title(ours), title(theirs))
    pa, pb = primary(ours), primary(theirs)
    if pa != pb:
        for line in sorted(set(pa) ^ set(pb)):
            side = "only in sinergi" if line in pa else "only in pyxform"
            diffs.append(f"{name}: primary instance: {side}: {line}")
        if set(pa) == set(pb):
            diffs.append(f"{name}: primary instance order: sinergi {pa} / pyxform {pb}")
    sa, sb = secondary(ours), secondary(theirs)
    for k in sorted(set(sa) | set(sb)):
        diff(f"secondary instance {k}", sa.get(k), sb.get(k))
    ba, bb = binds(ours), binds(theirs)
    for k in sorted(set(ba) | set(bb)):
        a, b = ba.get(k), bb.get(k)
        if a is None or b is None:
            diff(f"bind {k}", a, b)
            continue
        for attr in sorted(set(a) | set(b)):
            diff(f"bind {k} {attr}", a.get(attr), b.get(attr))
    ca, cb = body(ours), body(theirs)
    for i in range(max(len(ca), len(cb))):
        a = ca[i] if i < len(ca) else None
        b = cb[i] if i < len(cb) else None
        if a != b:
            diff(f"body control {i + 1}", a, b)
            break
    (la, ta), (lb, tb) = itext(ours), itext(theirs)
    diff("itext languages", la, lb)
    for lang in sorted(set(ta) & set(tb)):
        for k in sorted(set(ta[lang]) | set(tb[lang])):
            diff(f"itext {lang} {k}", ta[lang].get(k), tb[lang].get(k))
    return diffs


def check(xlsx, xml):
    name = os.path.basename(xlsx)
    try:
        theirs_text = convert(xlsform=xlsx, validate=False, pretty_print=False).xform
    except Exception as e:  # the reference refuses the form: report, do not crash
        return [f"{name}: pyxform refused the workbook: {e}"]
    with open(os.path.splitext(xml)[0] + ".pyxform.xml", "w", encoding="utf-8") as f:
        f.write(theirs_text)
    ours = ET.parse(xml).getroot()
    theirs = ET.fromstring(theirs_text.encode("utf-8"))
    diffs = compare(name, ours, theirs)
    try:
        check_xform(xml)
    except ODKValidateError as e:
        diffs.append(f"{name}: ODK Validate refused Sinergi's XForm: {e}")
    return diffs


def main(args):
    if not args or len(args) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    pairs = list(zip(args[0::2], args[1::2]))
    # ODK Validate starts a JVM per form; two at a time.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda p: check(*p), pairs))
    diffs = [d for r in results for d in r]
    for d in diffs:
        print(d)
    print(f"{len(pairs)} forms checked, {len(diffs)} differences", file=sys.stderr)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
