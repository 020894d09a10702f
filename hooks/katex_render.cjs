// Render TeX to HTML with KaTeX, for hooks/offline_math.py.
// Protocol: one JSON array per input line, [{"tex": "...", "display": bool}, ...];
// one JSON object per output line, {"html": [...]} or {"error": "...", "tex": "..."}.
"use strict";
const katex = require("katex");
const readline = require("readline");

function strict(code) {
  // Chinese words inside \text{} are fine; every other strict-mode complaint is an error.
  return code === "unicodeTextInMathMode" ? "ignore" : "error";
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  const items = JSON.parse(line);
  const html = [];
  for (const item of items) {
    try {
      html.push(katex.renderToString(item.tex, {
        displayMode: item.display, throwOnError: true, strict, output: "htmlAndMathml",
      }));
    } catch (err) {
      process.stdout.write(JSON.stringify({ error: String(err.message), tex: item.tex }) + "\n");
      return;
    }
  }
  process.stdout.write(JSON.stringify({ html }) + "\n");
});
