import { describe, expect, it } from 'vitest'
import { assessBugSignals } from '../../src/queue/bug-signals'
import { QUEUE_CONFIG } from '../../src/queue/queue-config'

const names = (title: string, body: string) => assessBugSignals(title, body).signals.map((signal) => signal.name)
const isBug = (title: string, body: string) => assessBugSignals(title, body).score >= QUEUE_CONFIG.bugThreshold

describe('bug signals', () => {
  it('recognises a Java stack trace with an exception', () => {
    const body = 'Export fails:\n\njava.lang.NullPointerException: null\n    at com.acme.export.CsvWriter.write(CsvWriter.java:42)\n    at com.acme.Job.run(Job.java:7)'
    expect(names('Export fails', body)).toEqual(expect.arrayContaining(['stack trace', 'exception name', 'broken behaviour']))
    expect(isBug('Export fails', body)).toBe(true)
  })

  it('recognises Python tracebacks, HTTP 5xx, crashes and regressions', () => {
    expect(names('Sync job', 'Traceback (most recent call last):\n  File "sync.py", line 10, in <module>')).toContain('stack trace')
    expect(names('Webhooks', 'every call returns HTTP 502 Bad Gateway')).toContain('HTTP 5xx')
    expect(names('Desktop app', 'the app crashes on launch')).toContain('crash')
    expect(names('Reports', 'It used to work, but since upgrading to 2.4.1 the totals are wrong')).toEqual(
      expect.arrayContaining(['regression', 'version string']),
    )
    expect(isBug('Reports totals are wrong since upgrading to 2.4.1', 'They used to be right.')).toBe(true)
  })

  it('recognises error codes and log lines', () => {
    expect(names('Login', 'I get error code E4012 when signing in')).toContain('error code')
    expect(names('Worker', '2026-03-02 10:15:00 ERROR queue worker died')).toContain('log lines')
  })

  it('does not call a how-to question or a feature request a bug', () => {
    expect(isBug('How do I export my projects to CSV?', 'I want a CSV of all projects for finance.')).toBe(false)
    expect(isBug('Dark mode for the dashboard', 'Feature request: it would be nice to have a dark theme.')).toBe(false)
    expect(assessBugSignals('How do I rotate an API key?', 'Is there a way to do it without downtime?').score).toBeLessThan(0)
  })

  it('explains itself: each signal carries the text that fired it', () => {
    const { signals } = assessBugSignals('Checkout crashes', 'The page crashes with TypeError: cannot read properties of undefined')
    const exception = signals.find((signal) => signal.name === 'exception name')!
    expect(exception.evidence).toContain('TypeError')
    expect(exception.weight).toBeGreaterThan(0)
  })
})
