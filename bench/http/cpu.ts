import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

// Who used the CPU during a load run: the app server, PostgreSQL, the load generator, and
// everyone else on this (shared) machine. Linux /proc only; elsewhere every figure is null.

export interface CpuSnapshot {
  at: number
  /** CPU milliseconds used so far, per party; null where /proc cannot tell. */
  server: number | null
  postgres: number | null
  loadGenerator: number
  machineBusy: number | null
  machineTotal: number | null
}

export interface CpuUsage {
  /** CPU ms per completed request. */
  serverMsPerRequest: number | null
  postgresMsPerRequest: number | null
  loadGeneratorMsPerRequest: number
  /** Share of all cores busy over the run, and the part of it not ours (other tenants). */
  machineBusyShare: number | null
  othersBusyShare: number | null
}

let ticksPerSecond: number | undefined
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

interface ProcStat {
  pid: number
  ppid: number
  cpuMs: number
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return { pid, ppid: Number(fields[1]), cpuMs: (ticks * 1000) / clockTicks() }
  } catch {
    return null
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
  } catch {
    return []
  }
}

/** The postmaster listening on `port` (found by its command line), or null. */
export function findPostmaster(port: number): number | null {
  for (const pid of allPids()) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
      if (cmdline[0]?.endsWith('/postgres') && cmdline.some((arg) => arg.includes(`port=${port}`))) return pid
    } catch {
      // The process ended while we looked.
    }
  }
  return null
}

/** CPU of the postmaster and its children (backends, checkpointer, ...). Exited backends are lost, so keep the pool open. */
function postgresCpu(postmaster: number): number | null {
  const root = readStat(postmaster)
  if (!root) return null
  let total = root.cpuMs
  for (const pid of allPids()) {
    const stat = readStat(pid)
    if (stat && stat.ppid === postmaster) total += stat.cpuMs
  }
  return total
}

function machineCpu(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
    const values = line.trim().split(/\s+/).slice(1, 9).map(Number)
    const total = values.reduce((sum, value) => sum + value, 0)
    const idle = values[3]! + values[4]!
    const toMs = (ticks: number) => (ticks * 1000) / clockTicks()
    return { busy: toMs(total - idle), total: toMs(total) }
  } catch {
    return null
  }
}

export function snapshotCpu(serverPid: number, postmaster: number | null): CpuSnapshot {
  const self = process.cpuUsage()
  const machine = machineCpu()
  return {
    at: performance.now(),
    server: readStat(serverPid)?.cpuMs ?? null,
    postgres: postmaster === null ? null : postgresCpu(postmaster),
    loadGenerator: (self.user + self.system) / 1000,
    machineBusy: machine?.busy ?? null,
    machineTotal: machine?.total ?? null,
  }
}

export function cpuUsageBetween(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuUsage {
  const per = (a: number | null, b: number | null) => (a === null || b === null || requests === 0 ? null : (b - a) / requests)
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a)
  const busy = delta(before.machineBusy, after.machineBusy)
  const total = delta(before.machineTotal, after.machineTotal)
  const ours = (delta(before.server, after.server) ?? 0) + (delta(before.postgres, after.postgres) ?? 0) + (after.loadGenerator - before.loadGenerator)
  return {
    serverMsPerRequest: per(before.server, after.server),
    postgresMsPerRequest: per(before.postgres, after.postgres),
    loadGeneratorMsPerRequest: requests === 0 ? 0 : (after.loadGenerator - before.loadGenerator) / requests,
    machineBusyShare: busy === null || !total ? null : busy / total,
    othersBusyShare: busy === null || !total ? null : Math.max(0, busy - ours) / total,
  }
}
