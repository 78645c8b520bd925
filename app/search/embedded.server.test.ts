import { describe, expect, it } from 'vitest'
import { CONTRACT_DOCUMENTS, runSearchContract } from './contract.ts'
import { createEmbeddedSearchEngine } from './embedded.server.ts'
import type { SearchType } from './port.ts'

runSearchContract('embedded', () => createEmbeddedSearchEngine())

describe('embedded engine', () => {
	it('loads a type from its source on first use, once', async () => {
		const loads: SearchType[] = []
		const engine = createEmbeddedSearchEngine({
			load: async function* (type) {
				loads.push(type)
				yield CONTRACT_DOCUMENTS.filter((d) => d.type === type)
			},
		})
		const [a, b] = await Promise.all([engine.search({ type: 'need', q: '蔬菜' }), engine.search({ type: 'need' })])
		expect(a.hits.map((h) => h.id).sort()).toEqual(['n1', 'n2'])
		expect(b.total).toBe(7)
		await engine.search({ type: 'offer' })
		expect(loads).toEqual(['need', 'offer'])
	})

	it('retries a failed load, and does not load a type after an explicit clear', async () => {
		let calls = 0
		const engine = createEmbeddedSearchEngine({
			load: async (type) => {
				calls++
				if (calls === 1) throw new Error('database unavailable')
				return CONTRACT_DOCUMENTS.filter((d) => d.type === type)
			},
		})
		await expect(engine.search({ type: 'need' })).rejects.toThrow('database unavailable')
		expect((await engine.search({ type: 'need' })).total).toBe(7)
		await engine.clear('offer')
		expect((await engine.search({ type: 'offer' })).total).toBe(0)
		expect(calls).toBe(2)
	})

	it('matches a single CJK character only where it stands alone', async () => {
		const engine = createEmbeddedSearchEngine()
		await engine.upsert(CONTRACT_DOCUMENTS)
		// 菜 is inside the bigrams of 蔬菜 but never a token of its own there.
		expect((await engine.search({ type: 'need', q: '菜' })).total).toBe(0)
		expect((await engine.search({ type: 'need', q: '，。！' })).total).toBe(7)
	})

	it('keeps relevance texts in step with upserts and removals', async () => {
		const engine = createEmbeddedSearchEngine()
		await engine.upsert(CONTRACT_DOCUMENTS)
		const score = () => engine.relevance({ type: 'need', words: ['茶叶'] })(['n7', 'n1'])
		expect([...(await score()).keys()]).toEqual(['n7'])
		const n1 = CONTRACT_DOCUMENTS.find((d) => d.id === 'n1')!
		await engine.upsert([{ ...n1, title: '茶叶种植' }])
		expect([...(await score()).keys()].sort()).toEqual(['n1', 'n7'])
		await engine.remove([{ type: 'need', id: 'n7' }])
		expect([...(await score()).keys()]).toEqual(['n1'])
		await engine.clear('need')
		expect((await score()).size).toBe(0)
	})
})
