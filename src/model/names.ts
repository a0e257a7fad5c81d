/**
 * Names are bytes (docs/semantics.md, "Names"). Inside Strata a path or a path segment is a *byte
 * string*: a JS string in which every char code is one byte (0-255), as `buf.toString('latin1')`
 * gives it. Two names are the same exactly when their bytes are equal, whatever header dialect
 * carried them. Names are turned into text only on their way to a face, by `displayName`, and text
 * that did not come from a name (a config field, an Engine message) goes through `escapeText`.
 */

/** The byte string of raw name bytes. */
export function nameFromBytes(b: Uint8Array, start = 0, end = b.length): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', start, end);
}

/** The exact bytes of a byte string. */
export function nameBytes(name: string): Buffer {
  return Buffer.from(name, 'latin1');
}

/** A name the user typed (UTF-8 text) as the byte string it names. */
export function nameFromText(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\u0000-\u007f]/.test(text)) return text;
  return Buffer.from(text, 'utf8').toString('latin1');
}

/**
 * Code points that must never reach a terminal as themselves: C0 controls, DEL, C1 controls (8-bit
 * CSI and OSC among them), line and paragraph separators, bidi embeddings, overrides, isolates and
 * marks, and zero-width characters.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex
const UNSAFE_G =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\t':
      return '\\t';
    case '\r':
      return '\\r';
    case '\u001b':
      return '\\e';
  }
  const code = c.charCodeAt(0);
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from outside (an image, an Engine, a registry, a file) made safe for any face: control,
 * bidi and zero-width characters and lone surrogates are shown escaped (`\e`, `\x07`, `\u202e`).
 */
export function escapeText(s: string): string {
  if (!UNSAFE.test(s)) return s;
  return s.replace(UNSAFE_G, escapeChar);
}

/** True when the string contains nothing `escapeText` would change. */
export function isSafeText(s: string): boolean {
  return !UNSAFE.test(s);
}

/**
 * Decode a byte string as UTF-8, showing each byte that is not part of a valid sequence as `\xNN`
 * (overlong forms, surrogates and code points past U+10FFFF are invalid, as in the WHATWG decoder).
 */
function decodeLossless(name: string): string {
  let out = '';
  const n = name.length;
  let i = 0;
  while (i < n) {
    const b0 = name.charCodeAt(i);
    if (b0 < 0x80) {
      out += name[i];
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      if (b0 === 0xe0) lo = 0xa0;
      if (b0 === 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      if (b0 === 0xf0) lo = 0x90;
      if (b0 === 0xf4) hi = 0x8f;
    }
    let ok = need > 0;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const b = i + k < n ? name.charCodeAt(i + k) : -1;
        const min = k === 1 ? lo : 0x80;
        const max = k === 1 ? hi : 0xbf;
        if (b < min || b > max) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (b & 0x3f);
      }
    }
    if (!ok) {
      out += `\\x${b0.toString(16).padStart(2, '0')}`;
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/**
 * The display form of a name (a byte string): valid UTF-8 as it is, any other byte as `\xNN`, and
 * control, bidi and zero-width characters escaped. Safe for every face; JSON uses it as `path`.
 */
export function displayName(name: string): string {
  // Printable ASCII is its own display form: the common case costs one regex test.
  if (!/[^\u0020-\u007e]/.test(name)) return name;
  return escapeText(decodeLossless(name));
}

/**
 * True when the display form alone does not give back the name's bytes: the name is not valid
 * UTF-8, holds a character that is shown escaped, or holds a backslash (which would make `\xNN`
 * ambiguous). JSON then carries `pathBase64` with the exact bytes.
 */
export function needsExactBytes(name: string): boolean {
  if (!/[^\u0020-\u007e]|\\/.test(name)) return false;
  if (name.includes('\\')) return true;
  const shown = displayName(name);
  return nameFromText(shown) !== name;
}

/** The exact bytes of a name in base64, for JSON's `pathBase64`. */
export function nameBase64(name: string): string {
  return Buffer.from(name, 'latin1').toString('base64');
}
