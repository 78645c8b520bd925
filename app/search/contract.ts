// The behaviour every SearchEngine adapter must show (ADR 005), as one vitest suite:
//   runSearchContract('embedded', () => createEmbeddedSearchEngine())
// The fixture is small and hand-made so that every expected hit list can be read off it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SearchDocument, type SearchEngine, type SearchQuery, type SearchResult, regionPrefixesOf } from './port.ts'

const DAY = 86_400_000
const T = Date.UTC(2026, 0, 1)

type Fixture = Omit<SearchDocument, 'regionPrefixes' | 'orgId' | 'orgKind'> & { orgKind?: string }

// 三河村 513431100201, 火普村 …202 and 谷曲村 513431101201 lie in 昭觉县 (a key county); 光明村
// 513432100201 in 喜德县 (not a key county); all in 凉山州, 四川省. 330106001001 is in 杭州, 浙江.
const NEEDS: Fixture[] = [
	{ id: 'n1', type: 'need', title: '蔬菜种植基地建设', body: '为三河村建设蔬菜大棚，带动村民增收', categories: ['industry'], regionCodes: ['513431100201'], status: 'published', urgency: 'high', isKeyCounty: true, createdAt: T + 1 * DAY, neededBy: T + 30 * DAY, remaining: 500_000 },
	{ id: 'n2', type: 'need', title: '销售有机蔬菜', body: '帮助火普村销售有机蔬菜和土豆', categories: ['consumption'], regionCodes: ['513431100202'], status: 'published', urgency: 'critical', isKeyCounty: true, createdAt: T + 2 * DAY, neededBy: T + 10 * DAY, remaining: 100 },
	{ id: 'n3', type: 'need', title: '乡村振兴带头人培训', body: 'Training for village leaders', categories: ['talent'], regionCodes: ['513432100201'], status: 'published', urgency: 'normal', isKeyCounty: false, createdAt: T + 3 * DAY, neededBy: T + 60 * DAY, remaining: 30 },
	{ id: 'n4', type: 'need', title: '修建村道', body: '硬化通组道路三公里', categories: ['infrastructure'], regionCodes: ['513431101201'], status: 'closed', urgency: 'low', isKeyCounty: true, createdAt: T + 4 * DAY, neededBy: T + 5 * DAY, remaining: 2000 },
	{ id: 'n5', type: 'need', title: '留守儿童关爱', body: '帮扶留守儿童，建设儿童之家', categories: ['social_protection'], regionCodes: ['330106001001'], status: 'published', urgency: 'high', isKeyCounty: false, createdAt: T + 5 * DAY, neededBy: T + 20 * DAY, remaining: 800 },
	{ id: 'n6', type: 'need', title: '扶贫车间招工', body: '扶贫车间需要十名工人', categories: ['employment'], regionCodes: ['513432100201'], status: 'expired', urgency: 'normal', isKeyCounty: false, createdAt: T + 6 * DAY, neededBy: T + 15 * DAY, remaining: 10 },
	{ id: 'n7', type: 'need', title: '茶叶加工设备', body: '购置茶叶加工设备，发展茶产业', categories: ['industry'], regionCodes: ['513431100202'], status: 'published', urgency: 'normal', isKeyCounty: true, createdAt: T + 7 * DAY, neededBy: T + 90 * DAY, remaining: 1_000_000 },
]

const OFFERS: Fixture[] = [
	{ id: 'o1', type: 'offer', title: '职业技能培训班', body: 'Vocational training for rural youth，每期五十人', categories: ['talent', 'employment'], regionCodes: [], status: 'active', orgKind: 'mass_org', isKeyCounty: false, createdAt: T + 1 * DAY, remaining: null },
	{ id: 'o2', type: 'offer', title: '农产品采购', body: '采购凉山州农产品', categories: ['consumption'], regionCodes: ['513400000000'], status: 'active', orgKind: 'central_unit', isKeyCounty: false, createdAt: T + 2 * DAY, remaining: 100 },
	{ id: 'o3', type: 'offer', title: '东西部劳务协作', body: '劳务输出对接，提供岗位', categories: ['employment'], regionCodes: ['513431000000'], status: 'paused', orgKind: 'east_west_partner', isKeyCounty: true, createdAt: T + 3 * DAY, remaining: 5000 },
]

const PROJECTS: Fixture[] = [
	{ id: 'p1', type: 'project', title: '蔬菜加工厂', body: '建设蔬菜加工厂，吸纳村民就业', categories: ['industry'], regionCodes: ['513431100201'], status: 'running', orgKind: 'enterprise', isKeyCounty: true, createdAt: T + 1 * DAY },
	{ id: 'p2', type: 'project', title: '村小图书室', body: '捐建图书室', categories: ['public_welfare'], regionCodes: ['513432100201'], status: 'planned', orgKind: 'enterprise', isKeyCounty: false, createdAt: T + 2 * DAY },
]

function toDocument(f: Fixture): SearchDocument {
	return { ...f, orgId: `org_${f.id}`, orgKind: f.orgKind ?? 'village', regionPrefixes: regionPrefixesOf(f.regionCodes) }
}

export const CONTRACT_DOCUMENTS: SearchDocument[] = [...NEEDS, ...OFFERS, ...PROJECTS].map(toDocument)

const ids = (r: SearchResult) => r.hits.map((h) => h.id)
const idSet = (r: SearchResult) => ids(r).sort()

export function runSearchContract(name: string, makeEngine: () => SearchEngine | Promise<SearchEngine>, options: { cleanup?: (engine: SearchEngine) => Promise<void> } = {}) {
	describe(`search contract: ${name}`, () => {
		let engine: SearchEngine
		const search = (query: SearchQuery) => engine.search(query)

		beforeAll(async () => {
			engine = await makeEngine()
			await engine.clear()
			await engine.upsert(CONTRACT_DOCUMENTS)
		})
		afterAll(async () => {
			if (!engine) return
			await engine.clear()
			await options.cleanup?.(engine)
		})

		it('reports healthy', async () => {
			expect((await engine.health()).ok).toBe(true)
		})

		describe('text', () => {
			it('finds two-character Chinese words inside longer text, and nothing else', async () => {
				expect(idSet(await search({ type: 'need', q: '蔬菜' }))).toEqual(['n1', 'n2'])
				expect(idSet(await search({ type: 'need', q: '振兴' }))).toEqual(['n3'])
				expect(idSet(await search({ type: 'need', q: '加工' }))).toEqual(['n7'])
				expect(idSet(await search({ type: 'project', q: '蔬菜' }))).toEqual(['p1'])
			})

			it('requires every word of the query', async () => {
				expect(idSet(await search({ type: 'need', q: '蔬菜大棚' }))).toEqual(['n1'])
				expect(idSet(await search({ type: 'need', q: '有机 蔬菜' }))).toEqual(['n2'])
				expect(idSet(await search({ type: 'need', q: '蔬菜 茶叶' }))).toEqual([])
			})

			it('finds English words whatever their case, the last one also by prefix', async () => {
				expect(idSet(await search({ type: 'need', q: 'training' }))).toEqual(['n3'])
				expect(idSet(await search({ type: 'need', q: 'TRAINING' }))).toEqual(['n3'])
				expect(idSet(await search({ type: 'offer', q: 'vocational train' }))).toEqual(['o1'])
				expect(idSet(await search({ type: 'need', q: 'leaders' }))).toEqual(['n3'])
			})

			it('treats synonyms as the same word', async () => {
				// 帮扶 ~ 扶贫: n5 says 帮扶, n6 says 扶贫; 帮助 (n2) is another word.
				expect(idSet(await search({ type: 'need', q: '帮扶' }))).toEqual(['n5', 'n6'])
				expect(idSet(await search({ type: 'need', q: '扶贫' }))).toEqual(['n5', 'n6'])
				// 培训 ~ training
				expect(idSet(await search({ type: 'offer', q: '培训' }))).toEqual(['o1'])
			})

			it('searches one type at a time', async () => {
				expect(idSet(await search({ type: 'offer', q: 'training' }))).toEqual(['o1'])
				expect(idSet(await search({ type: 'project', q: 'training' }))).toEqual([])
			})

			it('returns a score for every hit', async () => {
				const result = await search({ type: 'need', q: '蔬菜' })
				for (const hit of result.hits) expect(typeof hit.score).toBe('number')
			})
		})

		describe('relevance of given records', () => {
			const score = (words: string[], ids: string[], type: SearchQuery['type'] = 'need') => engine.relevance({ type, words })(ids)

			it('scores only the records asked about, and only those matching a word', async () => {
				const r = await score(['蔬菜'], ['n1', 'n3', 'n7', 'o1', 'missing'])
				expect([...r.keys()]).toEqual(['n1'])
				expect(r.get('n1')!.score).toBeGreaterThan(0)
				expect(r.get('n1')!.words).toEqual(['蔬菜'])
				expect((await score(['蔬菜'], ['n1', 'n2'])).size).toBe(2)
				expect((await score([], ['n1', 'n2'])).size).toBe(0)
				expect((await score(['蔬菜'], [])).size).toBe(0)
			})

			it('sums over the words, reporting which matched', async () => {
				const r = await score(['蔬菜', '大棚'], ['n1', 'n2'])
				expect(r.get('n1')!.words).toEqual(['蔬菜', '大棚'])
				expect(r.get('n2')!.words).toEqual(['蔬菜'])
				expect(r.get('n1')!.score).toBeGreaterThan(r.get('n2')!.score)
			})

			it('ranks a match in the title above one in the body only', async () => {
				// 建设: n1 has it in its title and body, n5 in its body only.
				const r = await score(['建设'], ['n1', 'n5'])
				expect(r.get('n1')!.score).toBeGreaterThan(r.get('n5')!.score)
				expect(r.get('n5')!.score).toBeGreaterThan(0)
			})

			it('matches synonyms and English words whatever their case', async () => {
				expect([...(await score(['扶贫'], ['n5', 'n6', 'n1'])).keys()].sort()).toEqual(['n5', 'n6'])
				expect([...(await score(['TRAINING'], ['n3', 'n1'])).keys()]).toEqual(['n3'])
				expect([...(await score(['培训'], ['o1', 'o2', 'o3'], 'offer')).keys()]).toEqual(['o1'])
			})

			it('narrows by filters, never widens', async () => {
				const r = await engine.relevance({ type: 'need', words: ['蔬菜'], filters: { categories: ['industry', 'consumption'] } })(['n1'])
				expect([...r.keys()]).toEqual(['n1'])
			})
		})

		describe('filters and facets', () => {
			it('counts facets over the whole filtered set', async () => {
				const all = await search({ type: 'need', pageSize: 1 })
				expect(all.total).toBe(7)
				expect(all.hits).toHaveLength(1)
				expect(all.facets.categories).toEqual({ industry: 2, consumption: 1, talent: 1, infrastructure: 1, social_protection: 1, employment: 1 })
				expect(all.facets.status).toEqual({ published: 5, closed: 1, expired: 1 })
				expect(all.facets.urgency).toEqual({ critical: 1, high: 2, normal: 3, low: 1 })
				expect(all.facets.orgKind).toEqual({ village: 7 })

				const vegetables = await search({ type: 'need', q: '蔬菜' })
				expect(vegetables.facets.categories).toEqual({ industry: 1, consumption: 1 })
			})

			it('filters by category (any of) and status', async () => {
				const r = await search({ type: 'need', filters: { categories: ['industry', 'talent'], status: ['published'] } })
				expect(idSet(r)).toEqual(['n1', 'n3', 'n7'])
				expect(r.facets.categories).toEqual({ industry: 2, talent: 1 })
				expect(idSet(await search({ type: 'need', filters: { status: ['closed', 'expired'] } }))).toEqual(['n4', 'n6'])
			})

			it('filters by a region at province and county level', async () => {
				const province = await search({ type: 'need', filters: { regionPrefix: '510000000000' } })
				expect(idSet(province)).toEqual(['n1', 'n2', 'n3', 'n4', 'n6', 'n7'])
				expect(province.facets.status).toEqual({ published: 4, closed: 1, expired: 1 })
				expect(idSet(await search({ type: 'need', filters: { regionPrefix: '513431000000' } }))).toEqual(['n1', 'n2', 'n4', 'n7'])
				expect(idSet(await search({ type: 'need', filters: { regionPrefix: '513431100000' } }))).toEqual(['n1', 'n2', 'n7'])
				expect(idSet(await search({ type: 'need', filters: { regionPrefix: '513431100202' } }))).toEqual(['n2', 'n7'])
				expect(idSet(await search({ type: 'need', q: '蔬菜', filters: { regionPrefix: '513431100202' } }))).toEqual(['n2'])
			})

			it('matches region filters on the regions a record lies in, not on nationwide offers', async () => {
				expect(idSet(await search({ type: 'offer', filters: { regionPrefix: '510000000000' } }))).toEqual(['o2', 'o3'])
				expect(idSet(await search({ type: 'offer', filters: { regionPrefix: '513431000000' } }))).toEqual(['o3'])
			})

			it('filters by key county', async () => {
				expect(idSet(await search({ type: 'need', filters: { keyCounty: true } }))).toEqual(['n1', 'n2', 'n4', 'n7'])
				expect(idSet(await search({ type: 'need', filters: { keyCounty: false } }))).toEqual(['n3', 'n5', 'n6'])
			})

			it('filters by any of several regions ("in my pairings")', async () => {
				const r = await search({ type: 'need', filters: { regionCodesAny: ['513432000000', '330100000000'] } })
				expect(idSet(r)).toEqual(['n3', 'n5', 'n6'])
				expect(idSet(await search({ type: 'project', filters: { regionCodesAny: ['513431000000'] } }))).toEqual(['p1'])
			})

			it('filters by urgency and organization kind', async () => {
				expect(idSet(await search({ type: 'need', filters: { urgency: ['high', 'critical'] } }))).toEqual(['n1', 'n2', 'n5'])
				const offers = await search({ type: 'offer', filters: { orgKind: ['central_unit', 'mass_org'] } })
				expect(idSet(offers)).toEqual(['o1', 'o2'])
				expect(offers.facets.orgKind).toEqual({ central_unit: 1, mass_org: 1 })
				expect(offers.facets.urgency).toEqual({})
			})

			it('combines filters with text', async () => {
				expect(idSet(await search({ type: 'need', q: '蔬菜', filters: { urgency: ['critical'] } }))).toEqual(['n2'])
				expect(idSet(await search({ type: 'need', q: '蔬菜', filters: { keyCounty: false } }))).toEqual([])
			})
		})

		describe('sorting', () => {
			it('browses newest first, also when relevance is asked for without a query', async () => {
				const newest = ['n7', 'n6', 'n5', 'n4', 'n3', 'n2', 'n1']
				expect(ids(await search({ type: 'need', sort: 'newest' }))).toEqual(newest)
				expect(ids(await search({ type: 'need' }))).toEqual(newest)
				expect(ids(await search({ type: 'need', sort: 'relevance' }))).toEqual(newest)
			})

			it('sorts by needed-by date, soonest first', async () => {
				expect(ids(await search({ type: 'need', sort: 'needed_by' }))).toEqual(['n4', 'n2', 'n6', 'n5', 'n1', 'n3', 'n7'])
			})

			it('sorts by urgency, newest first within a level', async () => {
				expect(ids(await search({ type: 'need', sort: 'urgency' }))).toEqual(['n2', 'n5', 'n1', 'n7', 'n6', 'n3', 'n4'])
			})

			it('sorts by remaining, largest first and unlimited before any number', async () => {
				expect(ids(await search({ type: 'need', sort: 'remaining' }))).toEqual(['n7', 'n1', 'n4', 'n5', 'n2', 'n3', 'n6'])
				expect(ids(await search({ type: 'offer', sort: 'remaining' }))).toEqual(['o1', 'o3', 'o2'])
			})

			it('applies a sort to text results', async () => {
				expect(ids(await search({ type: 'need', q: '蔬菜', sort: 'newest' }))).toEqual(['n2', 'n1'])
				expect(ids(await search({ type: 'need', q: '蔬菜', sort: 'needed_by' }))).toEqual(['n2', 'n1'])
				expect(ids(await search({ type: 'need', q: '蔬菜', sort: 'remaining' }))).toEqual(['n1', 'n2'])
			})
		})

		describe('pagination', () => {
			it('keeps the total and never repeats a hit across pages', async () => {
				const pages = await Promise.all([1, 2, 3].map((page) => search({ type: 'need', sort: 'urgency', page, pageSize: 3 })))
				expect(pages.map((p) => p.total)).toEqual([7, 7, 7])
				expect(pages.map((p) => p.hits.length)).toEqual([3, 3, 1])
				const all = pages.flatMap(ids)
				expect(new Set(all).size).toBe(7)
				expect(all).toEqual(ids(await search({ type: 'need', sort: 'urgency' })))
			})

			it('pages text results and returns nothing past the end', async () => {
				const first = await search({ type: 'need', q: '蔬菜', page: 1, pageSize: 1 })
				const second = await search({ type: 'need', q: '蔬菜', page: 2, pageSize: 1 })
				expect([first.total, second.total]).toEqual([2, 2])
				expect([...ids(first), ...ids(second)].sort()).toEqual(['n1', 'n2'])
				const past = await search({ type: 'need', page: 5, pageSize: 3 })
				expect(past.hits).toEqual([])
				expect(past.total).toBe(7)
			})
		})

		describe('writes', () => {
			it('replaces a document on upsert and forgets removed ones', async () => {
				const p1 = CONTRACT_DOCUMENTS.find((d) => d.id === 'p1')!
				await engine.upsert([{ ...p1, title: '茶叶加工厂', body: '建设茶叶加工厂' }])
				expect(idSet(await search({ type: 'project', q: '蔬菜' }))).toEqual([])
				expect(idSet(await search({ type: 'project', q: '茶叶' }))).toEqual(['p1'])
				expect((await search({ type: 'project' })).total).toBe(2)

				await engine.remove([
					{ type: 'project', id: 'p2' },
					{ type: 'project', id: 'never-indexed' },
				])
				expect(idSet(await search({ type: 'project' }))).toEqual(['p1'])
				// Same id, other type: untouched.
				await engine.remove([{ type: 'offer', id: 'p1' }])
				expect(idSet(await search({ type: 'project' }))).toEqual(['p1'])
			})

			it('clears one type without touching the others', async () => {
				await engine.clear('project')
				expect((await search({ type: 'project' })).total).toBe(0)
				expect((await search({ type: 'need' })).total).toBe(7)
				await engine.upsert(CONTRACT_DOCUMENTS.filter((d) => d.type === 'project'))
				expect((await search({ type: 'project' })).total).toBe(2)
			})
		})
	})
}
