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

/** `{{path}}` or `{{path|fallback}}`; the fallback is used when the recipient has no value for the path. */
const TAG = /\{\{\s*([A-Za-z0-9_.-]+)\s*(?:\|([^{}]*))?\}\}/g;
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/** The short names people type, mapped to the engine's paths. */
export const MERGE_TAG_ALIASES: Readonly<Record<string, string>> = {
  email: 'subscriber.email',
  subscriber_id: 'subscriber.id',
  first_name: 'subscriber.preferences.first_name',
  last_name: 'subscriber.preferences.last_name',
};
const FIXED_TAGS = new Set(['subscriber.id', 'subscriber.email', 'unsubscribe_url', 'unsubscribe_token']);
const PREFERENCE_TAG = /^subscriber\.preferences\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Every tag a template may use, for error messages and docs. */
export const KNOWN_MERGE_TAGS = [...FIXED_TAGS, 'subscriber.preferences.<key>', ...Object.keys(MERGE_TAG_ALIASES)];

function isKnownTag(path: string): boolean {
  const resolved = MERGE_TAG_ALIASES[path] ?? path;
  return FIXED_TAGS.has(resolved) || PREFERENCE_TAG.test(resolved);
}

/** The tags of a template the renderer does not know, in order of appearance, each once. */
export function unknownMergeTags(template: string): string[] {
  const unknown = [...template.matchAll(TAG)].map((m) => m[1]).filter((path) => !isKnownTag(path));
  return [...new Set(unknown)];
}

function lookup(ctx: MergeContext, path: string): string {
  const parts = (MERGE_TAG_ALIASES[path] ?? path).split('.');
  let v: unknown = ctx;
  for (const p of parts) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, p)) return '';
    v = (v as Record<string, unknown>)[p];
  }
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * Replaces `{{path}}` merge tags (job creation refuses unknown ones, see unknownMergeTags); a recipient without a
 * value for a known path gets the tag's fallback (`{{first_name|there}}`), else empty text.
 */
export function mergeTags(template: string, ctx: MergeContext, html: boolean): string {
  return template.replace(TAG, (_, path: string, fallback: string | undefined) => {
    const value = lookup(ctx, path) || (fallback ?? '').trim();
    return html ? escapeHtml(value) : value;
  });
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
