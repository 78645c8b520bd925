import { describe, expect, it } from 'vitest'
import { CONTRACT_DOCUMENTS, runSearchContract } from './contract.ts'
import { createEmbeddedSearchEngine } from './embedded.server.ts'
import type { SearchType } from './port.ts'

runSearchContract('embedded', () => createEmbeddedSearchEngine())
runSearchContract('embedded without a result cache', () => createEmbeddedSearchEngine({ cacheSize: 0 }))

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

	it('serves a repeated query from its cache until the index changes, and hands out copies', async () => {
		const engine = createEmbeddedSearchEngine()
		await engine.upsert(CONTRACT_DOCUMENTS)
		const first = await engine.search({ type: 'need', filters: { status: ['published'] } })
		first.hits.length = 0
		first.facets.categories.industry = 99
		const again = await engine.search({ type: 'need', filters: { status: ['published'] } })
		expect(again.total).toBe(5)
		expect(again.hits).toHaveLength(5)
		expect(again.facets.categories.industry).toBe(2)
		const n3 = CONTRACT_DOCUMENTS.find((d) => d.id === 'n3')!
		await engine.upsert([{ ...n3, status: 'closed' }])
		expect((await engine.search({ type: 'need', filters: { status: ['published'] } })).total).toBe(4)
		await engine.remove([{ type: 'need', id: 'n1' }])
		expect((await engine.search({ type: 'need', filters: { status: ['published'] } })).total).toBe(3)
	})

	it('browses many records through the attribute lists as a full pass would', async () => {
		const engine = createEmbeddedSearchEngine({ cacheSize: 0 })
		const base = CONTRACT_DOCUMENTS.find((d) => d.id === 'n1')!
		const docs = Array.from({ length: 3000 }, (_, i) => ({
			...base,
			id: `bulk${String(i).padStart(5, '0')}`,
			categories: [i % 3 ? 'industry' : 'talent'],
			status: i % 5 ? 'published' : 'closed',
			urgency: ['low', 'normal', 'high', 'critical'][i % 4],
			createdAt: base.createdAt + i,
			remaining: i % 7 ? i : null,
		}))
		await engine.upsert(docs)
		await engine.remove(docs.filter((_, i) => i % 10 === 0).map((d) => ({ type: 'need' as const, id: d.id })))
		const live = docs.filter((_, i) => i % 10 !== 0)
		const expected = live.filter((d) => d.categories[0] === 'industry' && d.status === 'published')
		const r = await engine.search({ type: 'need', filters: { categories: ['industry'], status: ['published'], regionPrefix: '513431000000' }, sort: 'newest', pageSize: 5, page: 3 })
		expect(r.total).toBe(expected.length)
		expect(r.hits.map((h) => h.id)).toEqual([...expected].reverse().slice(10, 15).map((d) => d.id))
		const byRemaining = await engine.search({ type: 'need', sort: 'remaining', pageSize: 3 })
		// Unlimited first (newest first among them), then the largest numbers.
		const unlimited = live.filter((d) => d.remaining === null).reverse()
		expect(byRemaining.hits.map((h) => h.id)).toEqual(unlimited.slice(0, 3).map((d) => d.id))
	})
})

