/**
 * gst-launch descriptions, cut at the `!` links (outside quotes) into segments: an element or caps
 * followed by `key=value` properties. Enough to find and rewrite the first and last element; the
 * rest is left to GStreamer's own parser.
 */
export interface Segment {
  /** The element factory or the caps string, e.g. `appsink` or `video/x-raw,width=320`. */
  head: string;
  /** `key=value` tokens as written (values may be quoted). */
  properties: string[];
}

/** Cuts `text` at characters for which `isCut` holds, outside single or double quotes (with \\ escapes). */
function splitOutsideQuotes(text: string, isCut: (c: string) => boolean): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && i + 1 < text.length) {
        current += c + text[++i];
        continue;
      }
      if (c === quote) quote = undefined;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (isCut(c)) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

export function splitLinks(description: string): string[] {
  return splitOutsideQuotes(description, (c) => c === '!').map((part) => part.trim());
}

export function parseSegment(text: string): Segment {
  const tokens = splitOutsideQuotes(text, (c) => /\s/.test(c)).filter(Boolean);
  return { head: tokens[0] ?? '', properties: tokens.slice(1) };
}

/** The unquoted value of `key` (the last one written wins, as in gst-launch), if set. */
export function property(segment: Segment, key: string): string | undefined {
  let value: string | undefined;
  for (const token of segment.properties) {
    const eq = token.indexOf('=');
    if (eq > 0 && token.slice(0, eq) === key) value = unquote(token.slice(eq + 1));
  }
  return value;
}

export function withoutProperty(segment: Segment, key: string): Segment {
  return { head: segment.head, properties: segment.properties.filter((t) => !t.startsWith(`${key}=`)) };
}

export function formatSegment(segment: Segment): string {
  return [segment.head, ...segment.properties].join(' ');
}

export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function unquote(value: string): string {
  const q = value[0];
  if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) return value.slice(1, -1).replace(/\\(.)/g, '$1');
  return value;
}
