// Which search engine this process uses: Meilisearch when MEILI_HOST is set, else the embedded one.
import { getDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { iterateSearchDocuments } from './documents.server.ts'
import { createEmbeddedSearchEngine } from './embedded.server.ts'
import { createMeilisearchEngine } from './meilisearch.server.ts'
import type { SearchEngine } from './port.ts'

// One engine per process; on globalThis so Vite's dev reloads keep the embedded index.
const globalForSearch = globalThis as unknown as { __bangfuSearch?: SearchEngine }

/**
 * The process-wide engine. The embedded engine fills each type's index from the database on first
 * use and is then kept current by draining the outbox in this same process (startSearchDrainLoop):
 * NOTE with several server processes and no Meilisearch, each process has its own index, and only
 * the process that drains a change sees it.
 */
export function getSearchEngine(): SearchEngine {
	globalForSearch.__bangfuSearch ??= createSearchEngine()
	return globalForSearch.__bangfuSearch
}

export function createSearchEngine(env = getEnv()): SearchEngine {
	if (env.meiliHost) {
		return createMeilisearchEngine({ host: env.meiliHost, apiKey: env.meiliKey, indexPrefix: process.env.MEILI_INDEX_PREFIX?.trim() || undefined })
	}
	return createEmbeddedSearchEngine({ load: (type) => iterateSearchDocuments(getDb(), type) })
}
