/**
 * A control text (control.yaml prose) as HTML: blank lines part paragraphs, and a paragraph whose lines are all
 * indented is a command or a body, shown as code with its layout kept; `backticks` mark inline code. Everything is escaped.
 */
import { e } from './page-layout.js';

/** One line of control text, escaped, with `name` shown as inline code (escaping leaves backticks alone). */
export function proseLine(text: string): string {
  return e(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function controlProse(text: string): string {
  return text
    .split(/\n[ \t]*\n/)
    .map((block) => block.replace(/^\n+|\s+$/g, ''))
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((line) => /^\s{2,}/.test(line) || line.trim() === '')) {
        const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^\s*/.exec(l)![0].length));
        return `<pre><code>${e(lines.map((l) => l.slice(indent)).join('\n'))}</code></pre>`;
      }
      return `<p>${proseLine(block.replace(/\s+/g, ' ').trim())}</p>`;
    })
    .join('\n');
}
