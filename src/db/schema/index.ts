export * from './accounts'
export * from './forum'
export * from './outbox'
export * from './search'
