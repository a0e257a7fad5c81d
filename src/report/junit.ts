/**
 * The CI verdict for CI systems: JUnit XML (one testcase per rule; a failed rule is a <failure>
 * with its figure and threshold, a disabled one is <skipped>), which GitLab, Jenkins and GitHub
 * test reporters show natively; and GitHub Actions workflow annotations for failed rules.
 */
import { escapeText } from '../model/names.js';
import type { CiResult, RuleResult } from './ci.js';

/** Text as XML character data or attribute value; outside text is made printable first. */
function xml(s: string): string {
  return escapeText(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

function figure(r: RuleResult, v: number | null): string {
  if (v === null) return 'none';
  return r.rule.endsWith('Bytes') ? `${v} B` : String(v);
}

export function junitXml(res: CiResult, ref: string, timestamp = new Date()): string {
  const stamp = timestamp.toISOString().slice(0, 19);
  const n = (s: RuleResult['status']) => res.rules.filter((r) => r.status === s).length;
  const counts = `tests="${res.rules.length}" failures="${n('FAIL')}" errors="0" skipped="${n('SKIP')}"`;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="strata" ${counts}>`];
  out.push(`  <testsuite name="${xml(`strata CI gate: ${ref}`)}" ${counts} time="0" timestamp="${stamp}">`);
  if (res.ignore.length) {
    out.push('    <properties>');
    for (const g of res.ignore) out.push(`      <property name="ignore" value="${xml(g)}"/>`);
    out.push('    </properties>');
  }
  for (const r of res.rules) {
    const open = `    <testcase classname="strata.ci" name="${xml(r.rule)}" time="0"`;
    if (r.status === 'PASS') {
      out.push(`${open}/>`);
    } else if (r.status === 'SKIP') {
      out.push(`${open}>`, `      <skipped message="${xml(r.message)}"/>`, '    </testcase>');
    } else {
      const body = [
        `${r.rule}: ${r.message}`,
        `value: ${figure(r, r.value)}`,
        `threshold: ${figure(r, r.threshold)}`,
        `image: ${ref}`,
      ].join('\n');
      out.push(
        `${open}>`,
        `      <failure type="${xml(r.rule)}" message="${xml(r.message)}">${xml(body)}</failure>`,
        '    </testcase>',
      );
    }
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}

/** A workflow command's message: %, CR and LF are percent-encoded (GitHub's escapeData). */
function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: also : and , (GitHub's escapeProperty). */
function ghProperty(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error title=...::message` for each failed rule. */
export function githubAnnotations(res: CiResult, ref: string): string[] {
  return res.rules
    .filter((r) => r.status === 'FAIL')
    .map((r) => {
      const title = ghProperty(escapeText(`strata CI gate: ${r.rule}`));
      const figures = `value ${figure(r, r.value)}, threshold ${figure(r, r.threshold)}`;
      const msg = `${escapeText(ref)}: ${r.rule} ${r.message} (${figures})`;
      return `::error title=${title}::${ghData(msg)}`;
    });
}
