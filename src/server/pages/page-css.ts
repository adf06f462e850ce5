/**
 * The dashboard's one stylesheet, served at /assets/ward.css: the HTML report's CSS, so both look alike, and what
 * pages add to it: the header and nav, forms, notices, scrolling table wrappers and phone-width rules. The CSP
 * forbids `style` attributes, so anything a page would set inline (status colours, bar widths) is a class here.
 */
import { CSS, STATUS_COLOUR } from '../../reporters/html-reporter.js';

const DASHBOARD_CSS = `
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:8px 12px;border:2px solid var(--accent);z-index:10}
.skip:focus{left:8px;top:8px}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #0550ae;outline-offset:2px}
header.site{border-bottom:1px solid var(--line);background:var(--panel)}
header.site .inner{max-width:1120px;margin:0 auto;padding:10px 40px;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center;justify-content:space-between}
header.site .brand{font-weight:700;color:var(--accent);letter-spacing:.08em;text-transform:uppercase;text-decoration:none}
header.site .who{color:var(--muted);font-size:12.5px;overflow-wrap:anywhere}
nav.site ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px}
nav.site a{display:inline-block;padding:4px 10px;border-radius:6px;text-decoration:none;color:var(--ink)}
nav.site a:hover{background:#eaeef2}
nav.site a[aria-current="page"]{background:var(--ink);color:#fff}
main h1{font-size:24px;margin:0 0 6px}
.lede{color:var(--muted);margin:0 0 16px}
.table-wrap{overflow-x:auto;max-width:100%;margin:8px 0}
.table-wrap:focus-visible{outline:3px solid #0550ae;outline-offset:2px}
/* long ARM ids and policy paths break rather than widen the page */
main{overflow-wrap:break-word}
.table-wrap caption{text-align:left}
/* a control id breaks at its hyphens, never letter by letter */
td.control-id{min-width:15em}
td.control-id code{overflow-wrap:normal}
td.history{min-width:13em}
/* an ARM id may break after a slash in a table cell: the why and the history matter more than one line */
td .asset{white-space:normal;overflow-wrap:anywhere;display:inline-block;min-width:17em}
.table-wrap table{min-width:640px}
.notice{border:1px solid #1a7f37;background:#dafbe1;border-radius:6px;padding:8px 12px;margin:12px 0}
.problem{border:1px solid #cf222e;background:#ffebe9;border-radius:6px;padding:8px 12px;margin:12px 0}
.field-problem{color:#a40e26;font-size:12.5px;margin:4px 0 0}
form.filters{margin-bottom:14px;display:flex;flex-wrap:wrap;gap:10px 14px;align-items:flex-end;border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:var(--panel)}
form.filters label,form.stack label{display:block;font-size:12px;font-weight:600;color:var(--muted);margin-bottom:3px}
form.stack{display:grid;gap:12px;max-width:720px;border:1px solid var(--line);border-radius:8px;padding:14px 16px}
input,select,textarea,button{font:inherit;font-size:13px;color:var(--ink);border:1px solid #818b98;border-radius:6px;padding:5px 8px;background:#fff;max-width:100%}
textarea{width:100%;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
input[aria-invalid="true"],textarea[aria-invalid="true"],select[aria-invalid="true"]{border-color:#cf222e;border-width:2px}
button{background:var(--ink);color:#fff;border-color:var(--ink);cursor:pointer;font-weight:600}
button.danger{background:#fff;color:#a40e26;border-color:#a40e26}
form.inline{display:inline}
.actions{display:flex;gap:12px;align-items:center}
.pager{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;margin:10px 0}
.exports{display:flex;gap:10px;flex-wrap:wrap;margin:10px 0}
pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow-x:auto;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}
tr.expired td{background:#fff1e5}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0}
dl.fields dt{font-weight:600;color:var(--muted)}
dl.fields dd{margin:0;overflow-wrap:anywhere}
.legend i.pass{background:${STATUS_COLOUR.pass}}.legend i.fail{background:${STATUS_COLOUR.fail}}.legend i.error{background:${STATUS_COLOUR.error}}
.legend i.excepted{background:${STATUS_COLOUR.excepted}}.legend i.skipped{background:${STATUS_COLOUR.skipped}}.legend i.line{background:#0969da;height:3px;vertical-align:3px}
.n.pass{color:${STATUS_COLOUR.pass}}.n.fail{color:${STATUS_COLOUR.fail}}.n.error{color:${STATUS_COLOUR.error}}.n.excepted{color:${STATUS_COLOUR.excepted}}.n.skipped{color:${STATUS_COLOUR.skipped}}
/* white text on the report's amber and grey pills is under AA contrast on a screen: darker shades of the same hues */
.pill.excepted{background:#9a6700}.pill.skipped{background:#6e7781}.n.excepted{color:#9a6700}.n.skipped{color:#6e7781}
/* row headers (th scope=row) read as cells, not as the small upper-case column headers */
tbody th{text-transform:none;letter-spacing:0;font-size:13px;font-weight:400;color:var(--ink);border-bottom:1px solid var(--line);padding:7px 8px;vertical-align:top}
.panel svg{max-height:280px}
td .cmd{min-width:320px}
svg.bar{display:block;border-radius:4px;background:var(--panel)}
@media (max-width:720px){
main{padding:16px 14px 32px}
header.site .inner{padding:8px 14px}
.cards{grid-template-columns:repeat(2,1fr)}
.charts{grid-template-columns:minmax(0,1fr)}
header.top{flex-direction:column;align-items:flex-start;gap:8px}
header.top .meta{text-align:left;max-width:100%}
dl.fields{grid-template-columns:1fr}
}
`;

export const WARD_CSS: string = `${CSS}${DASHBOARD_CSS}`;
