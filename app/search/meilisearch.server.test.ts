// Runs the search contract against a real Meilisearch when MEILI_HOST (and MEILI_MASTER_KEY if the
// server has one) is set, in indexes of their own (MEILI_INDEX_PREFIX plus this run), deleted after.
import { describe, expect, it } from 'vitest'
import { runSearchContract } from './contract.ts'
import { type MeilisearchEngine, createMeilisearchEngine, meiliFilter } from './meilisearch.server.ts'

const host = process.env.MEILI_HOST?.trim()
const SKIPPED = 'Meilisearch contract suite SKIPPED: MEILI_HOST not set'

describe.skipIf(!host)('meilisearch adapter', () => {
	runSearchContract(
		'meilisearch',
		() =>
			createMeilisearchEngine({
				host: host!,
				apiKey: process.env.MEILI_MASTER_KEY?.trim() || undefined,
				indexPrefix: `${process.env.MEILI_INDEX_PREFIX?.trim() || 'bangfu'}_test_${process.pid}_${Date.now().toString(36)}`,
			}),
		{ cleanup: (engine) => (engine as MeilisearchEngine).deleteIndexes() },
	)
})

it.skipIf(Boolean(host))(SKIPPED, () => {
	console.log(`[bangfu] ${SKIPPED}`)
})

// No server needed: the filter expressions the adapter sends.
describe('meilisearch filter expressions', () => {
	it('quotes values and combines filters with AND, lists with IN', () => {
		expect(meiliFilter({ categories: ['industry', 'talent'], regionPrefix: '513431000000', keyCounty: true, status: [] })).toEqual([
			'categories IN ["industry", "talent"]',
			'regionPrefixes = "513431000000"',
			'isKeyCounty = true',
		])
		expect(meiliFilter({ orgKind: ['a"b\\c'], regionCodesAny: ['513432000000'] })).toEqual(['regionPrefixes IN ["513432000000"]', 'orgKind IN ["a\\"b\\\\c"]'])
		expect(meiliFilter(undefined)).toEqual([])
	})
})
