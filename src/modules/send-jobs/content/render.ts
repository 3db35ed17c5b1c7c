import { convert } from 'html-to-text';

export interface MergeContext {
  subscriber: { id: string; email: string; preferences: Record<string, unknown> };
  unsubscribe_url: string;
  unsubscribe_token: string;
}

/** The content of a send job, as stored on the row. */
export interface JobContent {
  subject: string;
  bodyHtml: string | null;
  bodyText: string | null;
}

export interface RenderedContent {
  subject: string;
  html?: string;
  text?: string;
}

const TAG = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

function lookup(ctx: MergeContext, path: string): string {
  const parts = path.split('.');
  let v: unknown = ctx;
  for (const p of parts) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, p)) return '';
    v = (v as Record<string, unknown>)[p];
  }
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Replaces `{{path}}` merge tags; unknown tags become empty (a typo must not leak template syntax to readers). */
export function mergeTags(template: string, ctx: MergeContext, html: boolean): string {
  return template.replace(TAG, (_, path: string) => (html ? escapeHtml(lookup(ctx, path)) : lookup(ctx, path)));
}

/**
 * The text template of a job: its body_text, else its HTML converted to text once per job (merge tags survive
 * the conversion as plain text), so HTML-to-text never runs per recipient.
 */
export function textTemplate(content: JobContent): string | undefined {
  if (content.bodyText) return content.bodyText;
  return content.bodyHtml ? convert(content.bodyHtml, { wordwrap: 100 }) : undefined;
}

/** Subject, HTML and text for one recipient; the text part is generated from the HTML when only HTML is given. */
export function renderContent(content: JobContent, ctx: MergeContext, text = textTemplate(content)): RenderedContent {
  const html = content.bodyHtml ? mergeTags(content.bodyHtml, ctx, true) : undefined;
  return { subject: mergeTags(content.subject, ctx, false), html, text: text === undefined ? undefined : mergeTags(text, ctx, false) };
}

/**
 * RFC 2369 `List-Unsubscribe` (the https one-click link, plus a mailto when configured) and RFC 8058
 * `List-Unsubscribe-Post`. The header always names the engine's own link, which is known to accept the POST.
 */
export function unsubscribeHeaders(oneClickUrl: string, mailto?: string): Record<string, string> {
  const targets = [`<${oneClickUrl}>`, ...(mailto ? [`<mailto:${mailto}>`] : [])];
  return { 'List-Unsubscribe': targets.join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
