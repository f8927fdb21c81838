export { createMetrics, type Metrics, type RequestObservation } from './create-metrics'
