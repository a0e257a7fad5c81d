/**
 * Typed reads of documents from outside: image configs, manifests, indexes, registry answers and
 * Engine answers. Each read site says what a field must be; a field of another type is one error
 * line naming the document and the field ("image config sha256:…: rootfs.diff_ids[1] is a number,
 * not a string"), with the exit code of the source (2 for an image, 3 for an Engine), never a
 * JavaScript internal further on. Absent fields (missing or JSON null) are allowed wherever the
 * format allows them; the value itself is never put in the message.
 */
import { StrataError, EXIT_INPUT } from '../errors.js';

export type Doc = Record<string, unknown>;

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isFinite(v) ? 'a number' : 'a non-finite number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

const absent = (v: unknown): v is null | undefined => v === undefined || v === null;

/** A field name for messages: `a.b`, `a[2]`, `a["odd key"]`. */
export function fieldName(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_][\w.-]*$/.test(key) && !key.includes('..')) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** The typed reader of one document; `where` names the document in messages. */
export class Fields {
  constructor(
    readonly where: string,
    readonly exitCode: number = EXIT_INPUT,
  ) {}

  fail(field: string, v: unknown, want: string): never {
    throw new StrataError(`${this.where}: ${field} is ${kindOf(v)}, not ${want}`, this.exitCode);
  }

  /** The document itself: a JSON object. */
  doc(v: unknown, what = 'the document'): Doc {
    if (absent(v) || typeof v !== 'object' || Array.isArray(v)) {
      throw new StrataError(`${this.where}: ${what} is ${kindOf(v)}, not an object`, this.exitCode);
    }
    return v as Doc;
  }

  str(v: unknown, field: string): string {
    if (typeof v !== 'string') this.fail(field, v, 'a string');
    return v;
  }

  optStr(v: unknown, field: string): string | undefined {
    return absent(v) ? undefined : this.str(v, field);
  }

  num(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, v, 'a number');
    return v;
  }

  optNum(v: unknown, field: string): number | undefined {
    return absent(v) ? undefined : this.num(v, field);
  }

  optBool(v: unknown, field: string): boolean | undefined {
    if (absent(v)) return undefined;
    if (typeof v !== 'boolean') this.fail(field, v, 'true or false');
    return v;
  }

  obj(v: unknown, field: string): Doc {
    if (absent(v) || typeof v !== 'object' || Array.isArray(v)) this.fail(field, v, 'an object');
    return v as Doc;
  }

  optObj(v: unknown, field: string): Doc | undefined {
    return absent(v) ? undefined : this.obj(v, field);
  }

  list(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, v, 'a list');
    return v;
  }

  optList(v: unknown, field: string): unknown[] | undefined {
    return absent(v) ? undefined : this.list(v, field);
  }

  /** A list of strings, or undefined when absent. */
  optStrList(v: unknown, field: string): string[] | undefined {
    const l = this.optList(v, field);
    if (l === undefined) return undefined;
    for (let i = 0; i < l.length; i++) this.str(l[i], fieldName(field, i));
    return l as string[];
  }

  /** An object whose values are strings (labels, annotations), or undefined when absent. */
  optStrMap(v: unknown, field: string): Record<string, string> | undefined {
    const o = this.optObj(v, field);
    if (o === undefined) return undefined;
    for (const [k, x] of Object.entries(o)) this.str(x, fieldName(field, k));
    return o as Record<string, string>;
  }
}
