export { clearChartCache, renderBarChart, renderLineChart, type BarDatum, type ChartText, type LinePoint } from './render'
