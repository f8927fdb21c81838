import * as Plot from '@observablehq/plot'
import { LRUCache } from 'lru-cache'
import { parseHTML } from 'linkedom'

// Charts drawn on the server as SVG by Observable Plot, with linkedom standing in for the
// browser's document: no browser, no native canvas, no client-side JavaScript. The page shows
// the SVG inline and a data table under it, so a chart is readable without scripts or sight.

export interface ChartText {
  /** Unique on the page: the SVG's <title> and <desc> ids derive from it. */
  id: string
  title: string
  /** One or two sentences a screen reader announces: what is plotted, and the headline number. */
  description: string
  xLabel?: string
  yLabel?: string
  width?: number
  height?: number
}

export interface BarDatum {
  label: string
  value: number
  /** Bars of one label side by side, one per series (bugs and questions, say). */
  series?: string
}

export interface LinePoint {
  x: Date
  y: number
  series?: string
}

const SVG_NS = 'http://www.w3.org/2000/svg'

/**
 * Drawing a chart costs 20-40 ms of Plot's layout (bench/RESULTS.md, scoreboard); the SVG is a pure
 * function of its text and numbers, so a page whose numbers did not change since the last view
 * reuses it. Keyed by the whole input, so a changed number is always drawn afresh.
 */
const drawn = new LRUCache<string, string>({ max: 500 })

function memo(kind: string, text: ChartText, data: unknown, draw: () => string): string {
  const key = JSON.stringify([kind, text, data])
  const cached = drawn.get(key)
  if (cached !== undefined) return cached
  const svg = draw()
  drawn.set(key, svg)
  return svg
}

/** Forgets every drawn chart (the benchmark measures drawing afresh with it). */
export function clearChartCache(): void {
  drawn.clear()
}

/**
 * The document Plot creates its elements in. One per process: Plot only creates elements in it
 * (never attaches them), so a chart leaves nothing behind in it, and parsing a fresh document per
 * chart cost more than some charts' own drawing.
 */
let plotDocument: Document | undefined
function documentForPlot(): Document {
  plotDocument ??= parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document
  return plotDocument
}

/** Every element under `root` (depth first), without a selector engine: labelling walks each chart once. */
function* descendants(root: Element): Generator<Element> {
  for (const child of root.children) {
    yield child
    yield* descendants(child)
  }
}

/** Plot's output with a <title> and <desc> the SVG is labelled by, as a string. */
function labelled(node: HTMLElement | SVGSVGElement, document: Document, text: ChartText): string {
  // With a legend, Plot returns a <figure>: swatches (small SVGs, decoration) and the chart itself.
  const isSvg = (element: Element) => element.tagName.toLowerCase() === 'svg'
  const svg = (isSvg(node) ? node : [...node.children].find(isSvg)) as SVGSVGElement | undefined
  if (!isSvg(node)) for (const swatch of descendants(node)) if (isSvg(swatch) && swatch !== svg) swatch.setAttribute('aria-hidden', 'true')
  if (svg) {
    const title = document.createElementNS(SVG_NS, 'title')
    title.setAttribute('id', `${text.id}-title`)
    title.textContent = text.title
    const desc = document.createElementNS(SVG_NS, 'desc')
    desc.setAttribute('id', `${text.id}-desc`)
    desc.textContent = text.description
    svg.insertBefore(desc, svg.firstChild)
    svg.insertBefore(title, svg.firstChild)
    svg.setAttribute('role', 'img')
    svg.setAttribute('aria-labelledby', `${text.id}-title ${text.id}-desc`)
    svg.removeAttribute('aria-label')
    svg.removeAttribute('aria-description')
    // Inside role="img" everything is presentational: Plot's labels on its groups are not allowed there.
    for (const part of descendants(svg)) {
      part.removeAttribute('aria-label')
      part.removeAttribute('aria-description')
    }
    svg.setAttribute('class', `${svg.getAttribute('class') ?? ''} chart`.trim())
  }
  return node.outerHTML
}

const baseOptions = (text: ChartText) => ({
  width: text.width ?? 640,
  height: text.height ?? 260,
  marginLeft: 48,
  marginBottom: 40,
  style: { background: 'transparent', fontSize: '12px' },
  ariaLabel: text.title,
})

/** A bar chart (grouped by series when the data has one), as an SVG string. */
export function renderBarChart(text: ChartText, data: readonly BarDatum[]): string {
  return memo('bar', text, data, () => drawBarChart(text, data))
}

function drawBarChart(text: ChartText, data: readonly BarDatum[]): string {
  const document = documentForPlot()
  const grouped = data.some((datum) => datum.series !== undefined)
  const labels = [...new Set(data.map((datum) => datum.label))]
  const rows = data.map((datum) => ({ ...datum }))
  const chart = Plot.plot({
    ...baseOptions(text),
    document,
    x: grouped
      ? { label: null, domain: [...new Set(data.map((datum) => datum.series ?? ''))], axis: null }
      : { label: text.xLabel ?? null, domain: labels, tickRotate: labels.length > 8 ? -30 : 0 },
    y: { label: text.yLabel ?? null, grid: true, nice: true, zero: true },
    ...(grouped ? { fx: { domain: labels, label: text.xLabel ?? null }, color: { legend: true, type: 'categorical' as const } } : {}),
    marks: grouped
      ? [Plot.barY(rows, { fx: 'label', x: 'series', y: 'value', fill: 'series', tip: false }), Plot.ruleY([0])]
      : [Plot.barY(rows, { x: 'label', y: 'value', fill: 'currentColor', fillOpacity: 0.75 }), Plot.ruleY([0])],
  })
  return labelled(chart, document, text)
}

/** A line chart over time (one line per series), as an SVG string. */
export function renderLineChart(text: ChartText, points: readonly LinePoint[]): string {
  return memo('line', text, points, () => drawLineChart(text, points))
}

function drawLineChart(text: ChartText, points: readonly LinePoint[]): string {
  const document = documentForPlot()
  const series = points.some((point) => point.series !== undefined)
  const rows = points.map((point) => ({ ...point }))
  const chart = Plot.plot({
    ...baseOptions(text),
    document,
    x: { label: text.xLabel ?? null, type: 'utc' },
    y: { label: text.yLabel ?? null, grid: true, nice: true, zero: true },
    ...(series ? { color: { legend: true, type: 'categorical' as const } } : {}),
    marks: [
      Plot.ruleY([0]),
      Plot.lineY(rows, { x: 'x', y: 'y', ...(series ? { stroke: 'series' } : { stroke: 'currentColor' }), strokeWidth: 2 }),
      Plot.dot(rows, { x: 'x', y: 'y', ...(series ? { fill: 'series' } : { fill: 'currentColor' }), r: 3 }),
    ],
  })
  return labelled(chart, document, text)
}
