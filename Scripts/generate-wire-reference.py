#!/usr/bin/env python3
"""Generates the field tables of Documentation/WireFormat.md from the DVCCore models themselves:
each model's `CodingKeys` (Vietnamese wire key ↔ Swift property) and the property's type and
first doc-comment line. The introduction is Documentation/WireFormat.intro.md.

Usage: python3 Scripts/generate-wire-reference.py  (CI fails when the committed file is stale)
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = os.path.join(ROOT, "Sources", "DVCCore")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Documentation", "WireFormat.md")
INTRO = os.path.join(ROOT, "Documentation", "WireFormat.intro.md")

ORDER = ["Dossiers", "Procedures", "Payments", "Feedback", "Reports", "Wire"]

# Keys kept somewhere other than a property of the same name.
STORED_ELSEWHERE = {
    ("Procedure.Timing", "unit"): ("unitText", "String?", "The unit as written, e.g. `Ngày làm việc`; `processingTime` interprets it."),
    ("Procedure.RelatedProcedure", "code"): ("text", "String", "The code (or text) as sent; `procedureCode` validates it."),
    ("Procedure.RelatedProcedure", "name"): ("name", "String?", "The name, when an object carried one."),
    ("SatisfactionSummary", "month"): ("year, month", "Int", "The month summarized, written `M-yyyy` (month not zero-padded)."),
    ("SatisfactionSummary", "verySatisfied"): ("verySatisfiedPercent", "Int", "Percent very satisfied, written `NN%`."),
    ("SatisfactionSummary", "satisfied"): ("satisfiedPercent", "Int", "Percent satisfied, written `NN%`."),
    ("SatisfactionSummary", "notSatisfied"): ("notSatisfiedPercent", "Int", "100 − (very satisfied + satisfied), written `NN%`."),
    ("SatisfactionSummary", "serviceVerySatisfied"): ("verySatisfiedPercent", "Int", "Repeats `PhanTramDanhGiaRatHaiLong`."),
    ("SatisfactionSummary", "serviceSatisfied"): ("satisfiedPercent", "Int", "Repeats `PhanTramDanhGiaHaiLong`."),
    ("SatisfactionSummary", "serviceNotSatisfied"): ("notSatisfiedPercent", "Int", "Repeats `PhanTramDanhGiaChuaHaiLong`."),
    ("SatisfactionSummary", "comments"): ("—", "String", "Always `\"\"`, as OpenCPS sends it."),
    ("SatisfactionSummary", "procedureCode"): ("—", "String", "Always `\"\"`, as OpenCPS sends it."),
}



def models(path):
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    result = []
    for i, line in enumerate(lines):
        if not re.match(r"\s*enum CodingKeys: String, CodingKey", line):
            continue
        # The enclosing type: the nearest struct/extension declared with less indentation.
        indent = len(line) - len(line.lstrip())
        owner = []
        owner_line = None
        public = True
        level = indent
        for j in range(i - 1, -1, -1):
            m = re.match(r"(\s*)(public )?(?:struct|extension|enum) (\w+)", lines[j])
            if m and len(m.group(1)) < level:
                owner.insert(0, m.group(3))
                if owner_line is None:
                    owner_line = j
                    public = bool(m.group(2))
                level = len(m.group(1))
                if level == 0:
                    break
        if not public or owner_line is None:
            continue
        # The owner's own lines, by brace matching from its declaration.
        region_end = owner_line
        depth = 0
        seen = False
        for k in range(owner_line, len(lines)):
            depth += lines[k].count("{") - lines[k].count("}")
            seen = seen or "{" in lines[k]
            if seen and depth == 0:
                region_end = k
                break
        # Cases until the closing brace of the enum.
        cases = []
        j = i
        body = ""
        depth = 0
        while j < len(lines):
            body += lines[j] + "\n"
            depth += lines[j].count("{") - lines[j].count("}")
            if depth == 0 and "{" in body:
                break
            j += 1
        for decl in re.findall(r"case ([^\n]+)", body):
            for part in decl.split(","):
                m = re.match(r"\s*(\w+)(?:\s*=\s*\"([^\"]+)\")?", part)
                if m:
                    cases.append((m.group(1), m.group(2) or m.group(1)))
        # Property declarations of the owner (same indentation as the enum).
        props = {}
        doc = []
        for k in range(owner_line, region_end + 1):
            l = lines[k]
            s = l.strip()
            if s.startswith("///"):
                doc.append(s[3:].strip())
                continue
            m = re.match(r"(\s*)public (?:private\(set\) )?(?:var|let) (.+)", l)
            if m and len(m.group(1)) == indent:
                decl = m.group(2).split(" {")[0]
                names = re.findall(r"(\w+)\s*(?::\s*([^,=]+(?:<[^>]*>)?(?:\?)?))?\s*(?:=\s*([^,]+))?(?:,|$)", decl)
                last_type = None
                parsed = []
                for name, typ, default in names:
                    if not typ and default.strip().startswith('"'):
                        typ = "String"
                    elif not typ and re.match(r"^-?\d+$", default.strip()):
                        typ = "Int"
                    elif not typ and default.strip().startswith("."):
                        typ = "(enum case)"
                    parsed.append((name, typ.strip() if typ else None))
                for name, typ in reversed(parsed):
                    if typ:
                        last_type = typ
                    props[name] = (typ or last_type or "", doc[0] if doc else "")
            if s and not s.startswith("///") and not s.startswith("@"):
                doc = []
        result.append((".".join(owner), cases, props))
    return result


def main():
    sections = []
    for folder in ORDER:
        directory = os.path.join(SOURCES, folder)
        for name in sorted(os.listdir(directory)):
            if name.endswith(".swift"):
                for owner, cases, props in models(os.path.join(directory, name)):
                    if owner and not owner.startswith("WireReader"):
                        sections.append((folder, owner, cases, props))
    out = [open(INTRO, encoding="utf-8").read().rstrip(), "", "## Field reference", "",
           "Generated from the models by `Scripts/generate-wire-reference.py`; every row is a `CodingKeys` case.", ""]
    for folder, owner, cases, props in sections:
        out.append(f"### `{owner}` ({folder})")
        out.append("")
        out.append("| wire key | Swift property | type | meaning and rule |")
        out.append("|---|---|---|---|")
        for swift, wire in cases:
            typ, doc = props.get(swift, ("", ""))
            if (owner, swift) in STORED_ELSEWHERE:
                swift, typ, doc = STORED_ELSEWHERE[(owner, swift)]
            elif not typ and owner == "PaymentReceipt":
                swift, typ, doc = f'details["{wire}"]', "String", "Fine or payer detail, kept as text by wire key."
            elif not typ:
                typ, doc = "—", "Computed from other fields when encoding; checked when decoding."
            doc = doc.replace("|", "\\|")
            out.append(f"| `{wire}` | `{swift}` | `{typ}` | {doc} |")
        out.append("")
    open(OUT, "w", encoding="utf-8").write("\n".join(out).rstrip() + "\n")
    print(f"wrote {OUT}: {len(sections)} models")


if __name__ == "__main__":
    main()
