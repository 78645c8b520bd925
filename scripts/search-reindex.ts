// npm run search:reindex                  rebuilds the search index from the database
// npm run search:reindex -- --type need   one type only (need | offer | project)
// With MEILI_HOST set this empties and refills the Meilisearch indexes (MEILI_INDEX_PREFIX, default
// 'bangfu'). Without it the index is the server's in-memory one, which rebuilds itself from the
// database on start: this then only builds every document once, as a check, and prints the counts.
import { parseArgs } from 'node:util'
import { rebuildSearchIndex } from '#app/search/drain.server.ts'
import { createEmbeddedSearchEngine } from '#app/search/embedded.server.ts'
import { createSearchEngine } from '#app/search/index.server.ts'
import { SEARCH_TYPES, type SearchType } from '#app/search/port.ts'
import { createDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'

const { values } = parseArgs({ options: { type: { type: 'string' }, batch: { type: 'string' } }, strict: true })
const type = values.type as SearchType | undefined
if (type && !SEARCH_TYPES.includes(type)) {
	console.error(`unknown --type ${type} (need | offer | project)`)
	process.exit(2)
}
const batch = values.batch ? Number(values.batch) : undefined
if (batch !== undefined && !(Number.isInteger(batch) && batch > 0)) {
	console.error('--batch must be a positive integer')
	process.exit(2)
}

const env = getEnv()
const { db } = createDb(env.databaseUrl)
const engine = env.meiliHost ? createSearchEngine(env) : createEmbeddedSearchEngine()
const started = Date.now()
try {
	console.log(env.meiliHost ? `search engine: meilisearch (${env.meiliHost})` : 'search engine: embedded (MEILI_HOST not set): the server rebuilds its index on start; checking documents only')
	const health = await engine.health()
	if (!health.ok) throw new Error(`search engine unavailable: ${health.detail ?? 'unknown'}`)
	const counts = await rebuildSearchIndex(db, engine, { batch, types: type ? [type] : undefined })
	for (const t of type ? [type] : SEARCH_TYPES) console.log(`${t.padEnd(8)} ${counts[t]}`)
	console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
} catch (error) {
	console.error(`reindex failed: ${(error as Error).message}`)
	process.exitCode = 1
} finally {
	await db.destroy()
}
