// Settings of the PostgreSQL cluster the latency benchmark (and its experiments) measure: a
// production-like small server on this 2-core, 24 GiB machine. BENCH_PG_SETTINGS adds or replaces.

const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean)

export const PG_SETTINGS: Record<string, string> = {
  shared_buffers: '2GB',
  effective_cache_size: '16GB',
  work_mem: '32MB',
  maintenance_work_mem: '1GB',
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
  random_page_cost: '1.1',
  shared_preload_libraries: "'pg_stat_statements'",
  'pg_stat_statements.track_planning': 'on',
  ...Object.fromEntries(list(process.env.BENCH_PG_SETTINGS ?? '').map((pair) => [pair.split('=')[0]!, pair.split('=').slice(1).join('=')])),
}

