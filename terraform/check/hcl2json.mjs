// Reads every *.tf file of a directory with @cdktf/hcl2json (hashicorp/hcl's parser compiled to
// WASM, so the syntax is Terraform's own, checked offline) and prints one JSON document:
//   { "files": { "NAME.tf": <the file as hcl2json converts it> },
//     "expressions": { "<expression as it appears in files>": <hcl's syntax tree of it> } }
// The expressions are every string value that holds an interpolation, so a reader can evaluate
// them without parsing HCL itself. Syntax errors go to stderr as FILE:LINE,COLUMN: message, and
// the exit status is 1.
import { parse, getExpressionAst } from "@cdktf/hcl2json";
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node hcl2json.mjs DIR");
  process.exit(2);
}
const names = fs.readdirSync(dir).filter((n) => n.endsWith(".tf")).sort();
if (names.length === 0) {
  console.error(`${dir}: no .tf files`);
  process.exit(1);
}

const files = {};
let failed = false;
for (const name of names) {
  try {
    files[name] = await parse(name, fs.readFileSync(path.join(dir, name), "utf8"));
  } catch (e) {
    // hcl's diagnostics come as "parse config: [FILE:LINE,COL-COL: summary; detail ...]".
    console.error(String(e.message ?? e).replace(/^parse config: \[|\]$/g, ""));
    failed = true;
  }
}
if (failed) {
  process.exit(1);
}

// Ranges are offsets into the expression's own text: of no use to a reader, and most of the size.
const strip = (node) => JSON.parse(JSON.stringify(node, (k, v) => (/range$/i.test(k) || k === "argsRanges" ? undefined : v)));

// The template as an HCL quoted string: quotes, backslashes and newlines escaped in its literal
// parts, its interpolations (which may hold quoted strings themselves) kept as they are.
function quoted(text) {
  let out = '"';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("${", i)) {
      let depth = 0;
      let j = i + 1;
      let inString = false;
      for (; j < text.length; j++) {
        const c = text[j];
        if (inString) {
          if (c === "\\") j++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === "{") depth++;
        else if (c === "}" && --depth === 0) break;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      const c = text[i++];
      out += c === '"' ? '\\"' : c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c;
    }
  }
  return out + '"';
}

async function treeOf(name, text) {
  // A whole-string "${ ... }" is the expression itself; anything else is a template, parsed as a
  // quoted string.
  if (text.startsWith("${") && text.endsWith("}")) {
    try {
      return strip(await getExpressionAst(name, text.slice(2, -1)));
    } catch {
      // "${a}-${b}" starts and ends like one interpolation but is a template.
    }
  }
  try {
    return strip(await getExpressionAst(name, quoted(text)));
  } catch (e) {
    return { error: String(e.message ?? e) };
  }
}

const expressions = {};
async function collect(name, value) {
  if (typeof value === "string") {
    if (value.includes("${") && !(value in expressions)) {
      expressions[value] = await treeOf(name, value);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) await collect(name, v);
  } else if (value && typeof value === "object") {
    for (const v of Object.values(value)) await collect(name, v);
  }
}
for (const [name, body] of Object.entries(files)) {
  await collect(name, body);
}
process.stdout.write(JSON.stringify({ files, expressions }));
