// The machine a result was measured on: it goes into results.json and the README table.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { capture } from './proc.js';

export interface Machine {
  cpu: string;
  cores: number;
  ramBytes: number;
  kernel: string;
  docker: string;
  node: string;
}

async function dockerVersion(): Promise<string> {
  try {
    const v = JSON.parse(await capture('docker', ['version', '--format', '{{json .}}']));
    return `Engine ${v.Server?.Version ?? '?'} (API ${v.Server?.ApiVersion ?? '?'}), CLI ${v.Client?.Version ?? '?'}`;
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(): Promise<Machine> {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpu,
    cores: os.availableParallelism(),
    ramBytes: os.totalmem(),
    kernel: `${os.type()} ${os.release()}`,
    docker: await dockerVersion(),
    node: process.version,
  };
}
