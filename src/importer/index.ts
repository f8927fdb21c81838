export { ImportThread, parseImportLine, type LineProblem } from './format'
export { importThreads, type ImportSummary } from './import-threads'
