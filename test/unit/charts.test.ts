import { parse } from 'node-html-parser'
import { describe, expect, it } from 'vitest'
import { renderBarChart, renderLineChart } from '../../src/charts'

// The charts are drawn by Observable Plot on the server: these check what a reader gets (an SVG
// labelled by its title and description, one bar per value, bar heights in proportion).

describe('server-rendered charts', () => {
  it('draws a bar per value, labelled by a title and a description', () => {
    const svg = renderBarChart(
      { id: 'escalations', title: 'Escalations per week', description: 'Three weeks; the busiest had 5.', yLabel: 'Escalations' },
      [
        { label: '2026-11-16', value: 2 },
        { label: '2026-11-23', value: 5 },
        { label: '2026-11-30', value: 0 },
      ],
    )
    const root = parse(svg)
    const element = root.querySelector('svg.chart')!
    expect(element.getAttribute('role')).toBe('img')
    expect(element.getAttribute('aria-labelledby')).toBe('escalations-title escalations-desc')
    expect(root.querySelector('#escalations-title')!.text).toBe('Escalations per week')
    expect(root.querySelector('#escalations-desc')!.text).toBe('Three weeks; the busiest had 5.')
    const bars = root.querySelectorAll('rect').filter((rect) => rect.getAttribute('height') !== undefined)
    const heights = bars.map((rect) => Number(rect.getAttribute('height')))
    expect(heights).toHaveLength(3)
    // 2 : 5 : 0, as drawn.
    expect(heights[0]! / heights[1]!).toBeCloseTo(2 / 5, 5)
    expect(heights[2]).toBe(0)
    // The x axis names the weeks.
    expect(svg).toContain('2026-11-23')
    expect(svg).not.toContain('<script')
  })

  it('groups bars by series and draws a legend', () => {
    const html = renderBarChart({ id: 'frt', title: 'First response', description: 'Median minutes by team.' }, [
      { label: 'billing', series: 'bug', value: 30 },
      { label: 'billing', series: 'question', value: 60 },
      { label: 'core', series: 'bug', value: 90 },
    ])
    const root = parse(html)
    const chart = root.querySelector('svg.chart')!
    expect(chart.querySelectorAll('rect')).toHaveLength(3)
    expect(chart.getAttribute('aria-labelledby')).toBe('frt-title frt-desc')
    // The legend names both series; its swatches are decoration.
    expect(html).toContain('question')
    expect(root.querySelectorAll('svg[aria-hidden="true"]')).toHaveLength(2)
  })

  it('draws a line through points over time', () => {
    const svg = renderLineChart({ id: 'trend', title: 'Backlog', description: 'Two points.' }, [
      { x: new Date('2026-11-01T00:00:00Z'), y: 1 },
      { x: new Date('2026-11-08T00:00:00Z'), y: 4 },
    ])
    const root = parse(svg)
    expect(root.querySelectorAll('path').some((path) => /^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/.test(path.getAttribute('d') ?? ''))).toBe(true)
    expect(root.querySelectorAll('circle')).toHaveLength(2)
    expect(root.querySelector('title')!.text).toBe('Backlog')
  })
})
