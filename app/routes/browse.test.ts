import { createInstance } from 'i18next'
import { type ComponentType, createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { StaticRouterProvider, createStaticHandler, createStaticRouter } from 'react-router-dom/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import i18nConfig, { resources } from '#app/i18n.ts'
import { createNeed, reviewNeed, submitNeed } from '#app/models/need.server.ts'
import { createOffer, transitionOffer } from '#app/models/offer.server.ts'
import type { Actor } from '#app/models/policy.server.ts'
import { createProject } from '#app/models/project.server.ts'
import { drainSearchOutbox } from '#app/search/drain.server.ts'
import { createEmbeddedSearchEngine } from '#app/search/embedded.server.ts'
import type { SearchEngine } from '#app/search/port.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import NeedsPage, { loader as needsLoader } from './needs._index.tsx'
import OffersPage, { loader as offersLoader } from './offers._index.tsx'
import ProjectsPage, { loader as projectsLoader } from './projects._index.tsx'

const ctx = useGlobalTestDb()
const DAY = 86_400_000
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)

// The routes ask getSearchEngine() for the process-wide engine: install a fresh embedded one
// (no loading from the database) and feed it by draining the outbox after each write.
const globalForSearch = globalThis as unknown as { __bangfuSearch?: SearchEngine }
let engine: SearchEngine
let previousEngine: SearchEngine | undefined
const drain = async () => {
	for (;;) if (!(await drainSearchOutbox(ctx.db, engine)).more) return
}

/** Server-renders a route component with its loader data, as the document request would. */
async function render(Component: ComponentType, loaderData: unknown, url: string) {
	const handler = createStaticHandler([{ id: 'page', path: '*', loader: () => loaderData as Record<string, unknown>, Component }])
	const context = await handler.query(new Request(new URL(url, 'http://localhost')))
	if (context instanceof Response) throw new Error('unexpected response')
	const router = createStaticRouter(handler.dataRoutes, context)
	const i18n = createInstance()
	await i18n.use(initReactI18next).init({ ...i18nConfig, lng: 'zh-CN', resources })
	return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

const w = {} as {
	sanhe: string
	guangming: string
	xihu: string
	sanheActor: Actor
	guangmingActor: Actor
	xihuActor: Actor
	zhaojueTownship: Actor
	xideTownship: Actor
	xihuTownship: Actor
	centralAccount: string
	needs: Record<'vegetables' | 'training' | 'children' | 'road' | 'html', string>
}

async function published(village: string, villager: Actor, reviewer: Actor, fields: Record<string, unknown>) {
	const { id } = await createNeed(
		ctx.db,
		village,
		{ description: '', category: 'industry', measure: 'amount', amount: '50000', beneficiaries: '30', urgency: 'normal', neededBy: dateIn(60), ...fields },
		villager,
	)
	await submitNeed(ctx.db, id, villager)
	await reviewNeed(ctx.db, id, { decision: 'publish' }, reviewer)
	return id
}

beforeAll(async () => {
	previousEngine = globalForSearch.__bangfuSearch
	engine = createEmbeddedSearchEngine()
	globalForSearch.__bangfuSearch = engine

	await seedRegions(ctx.db)
	// A village in 浙江 (the fixture tree stops at 杭州市).
	await ctx.db
		.insertInto('region')
		.values([
			{ code: '330106000000', name: '西湖区', level: 3, parentCode: '330100000000', isKeyCounty: 0 },
			{ code: '330106001000', name: '北山街道', level: 4, parentCode: '330106000000', isKeyCounty: 0 },
			{ code: '330106001001', name: '北山社区', level: 5, parentCode: '330106001000', isKeyCounty: 0 },
		])
		.execute()
	const villageOrg = async (code: string, name: string) => {
		const account = await makeAccount(ctx.db)
		const orgId = await makeOrg(ctx.db, 'village', { regionCode: code, ownerId: account.id, name })
		return { orgId, actor: await actorFor(ctx.db, account.id) }
	}
	const sanhe = await villageOrg('513431100201', '三河村村民委员会')
	const guangming = await villageOrg('513432100201', '光明村村民委员会')
	const xihu = await villageOrg('330106001001', '北山社区居委会')
	Object.assign(w, {
		sanhe: sanhe.orgId,
		sanheActor: sanhe.actor,
		guangming: guangming.orgId,
		guangmingActor: guangming.actor,
		xihu: xihu.orgId,
		xihuActor: xihu.actor,
		zhaojueTownship: await makeOfficial(ctx.db, '513431100000'),
		xideTownship: await makeOfficial(ctx.db, '513432100000'),
		xihuTownship: await makeOfficial(ctx.db, '330106001000'),
	})

	w.needs = {
		vegetables: await published(w.sanhe, w.sanheActor, w.zhaojueTownship, { title: '蔬菜种植基地建设', description: '建设蔬菜大棚，带动村民增收', urgency: 'high', neededBy: dateIn(20) }),
		training: await published(w.guangming, w.guangmingActor, w.xideTownship, {
			title: '乡村振兴带头人培训',
			description: 'Training for village leaders',
			category: 'talent',
			measure: 'quantity',
			amount: undefined,
			quantity: '40',
			unit: '人',
			neededBy: dateIn(90),
		}),
		children: await published(w.xihu, w.xihuActor, w.xihuTownship, { title: '留守儿童关爱', description: '帮扶留守儿童，建设儿童之家', category: 'social_protection', urgency: 'critical', amount: '1234567.89' }),
		road: await published(w.sanhe, w.sanheActor, w.zhaojueTownship, { title: '修建村道', description: '硬化通组道路三公里', category: 'infrastructure', urgency: 'low', neededBy: dateIn(5) }),
		html: await published(w.guangming, w.guangmingActor, w.xideTownship, { title: '<script>alert(1)</script><b>饮水</b>工程', description: '改造饮水管网', category: 'infrastructure' }),
	}
	// Drafts and submissions are never listed, whatever they say.
	const { id: draft } = await createNeed(ctx.db, w.sanhe, { title: '蔬菜草稿 training 帮扶', category: 'industry', measure: 'amount', amount: '1', urgency: 'low', neededBy: dateIn(10) }, w.sanheActor)
	await submitNeed(ctx.db, draft, w.sanheActor)

	// A central unit with 定点帮扶 of 昭觉县.
	const central = await makeAccount(ctx.db)
	const centralOrg = await makeOrg(ctx.db, 'central_unit', { ownerId: central.id, name: '某部委' })
	await ctx.db
		.insertInto('pairing')
		.values({ id: newId(), kind: 'targeted', providerOrgId: centralOrg, providerRegionCode: null, recipientRegionCode: '513431000000', startedYear: 2021, note: '', status: 'active', createdBy: null, createdAt: Date.now(), endedBy: null, endedAt: null })
		.execute()
	w.centralAccount = central.id

	// One offer and one project for their pages.
	const centralActor = await actorFor(ctx.db, central.id)
	const { id: offer } = await createOffer(
		ctx.db,
		centralOrg,
		{ title: '消费帮扶采购', description: '采购凉山农产品', categories: ['consumption'], measure: 'amount', capacity: '2000000', coverage: 'regions', regionCodes: '513431000000', validFrom: dateIn(0), validUntil: dateIn(300) },
		centralActor,
	)
	await transitionOffer(ctx.db, offer, { action: 'publish' }, centralActor)
	await createOffer(
		ctx.db,
		centralOrg,
		{ title: '草稿资源', description: '说明', categories: ['consumption'], measure: 'amount', capacity: '1', coverage: 'nationwide', validFrom: dateIn(0), validUntil: dateIn(300) },
		centralActor,
	)
	const boss = await makeAccount(ctx.db)
	const enterprise = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', ownerId: boss.id, name: '兴村农业公司' })
	await createProject(
		ctx.db,
		enterprise,
		{ title: '蔬菜加工厂', description: '建设蔬菜加工厂', type: 'industry', villageCodes: '513431100201', plannedInvestment: '3000000', permanentJobs: '15', startsOn: dateIn(-5), endsOn: dateIn(200) },
		await actorFor(ctx.db, boss.id),
	)
	await drain()
})

afterAll(() => {
	globalForSearch.__bangfuSearch = previousEngine
})

async function browse(url: string, accountId: string | null = null) {
	const res = await runRoute(needsLoader, await requestAs(accountId, url))
	expect(res.status).toBe(200)
	return res.data
}
const idsOf = (data: { rows: Array<{ id: string }> }) => data.rows.map((r) => r.id).sort()
const sorted = (...ids: string[]) => [...ids].sort()

describe('/needs browse', () => {
	it('lists published needs only, newest first, with what the cards show', async () => {
		const all = await browse('/needs')
		expect(all.total).toBe(5)
		expect(all.rows.map((r: { id: string }) => r.id)).toEqual([w.needs.html, w.needs.road, w.needs.children, w.needs.training, w.needs.vegetables])
		const children = all.rows.find((r: { id: string }) => r.id === w.needs.children)
		expect(children).toMatchObject({ title: '留守儿童关爱', orgName: '北山社区居委会', villageName: '浙江省 杭州市 西湖区 北山街道 北山社区', target: 123_456_789, measure: 'amount', urgency: 'critical', isKeyCounty: false })
		expect(all.rows.find((r: { id: string }) => r.id === w.needs.vegetables)).toMatchObject({ isKeyCounty: true, villageName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村' })
		expect(all.facets.categories).toEqual({ industry: 1, talent: 1, social_protection: 1, infrastructure: 2 })
		expect(all.facets.keyCounty).toBe(2)
		expect(all).toMatchObject({ page: 1, pages: 1, state: {} })
	})

	it('finds Chinese two-character words and the English word "training"', async () => {
		expect(idsOf(await browse('/needs?q=蔬菜'))).toEqual([w.needs.vegetables])
		expect(idsOf(await browse('/needs?q=振兴'))).toEqual([w.needs.training])
		expect(idsOf(await browse(`/needs?q=${encodeURIComponent('帮扶')}`))).toEqual([w.needs.children])
		expect(idsOf(await browse('/needs?q=training'))).toEqual([w.needs.training])
		expect(idsOf(await browse('/needs?q=Training'))).toEqual([w.needs.training])
		const withText = await browse('/needs?q=蔬菜')
		expect(withText.filters.sort).toBe('relevance')
		expect(withText.state).toEqual({ q: '蔬菜' })
	})

	it('filters by category, urgency and key county, with facet counts that ignore their own filter', async () => {
		const infra = await browse('/needs?category=infrastructure')
		expect(idsOf(infra)).toEqual(sorted(w.needs.road, w.needs.html))
		expect(infra.facets.categories).toMatchObject({ industry: 1, infrastructure: 2, talent: 1 })
		expect(infra.state).toEqual({ category: ['infrastructure'] })
		expect(idsOf(await browse('/needs?category=infrastructure&category=industry'))).toEqual(sorted(w.needs.road, w.needs.html, w.needs.vegetables))
		// Unknown values are ignored rather than matching nothing.
		expect((await browse('/needs?category=bogus&status=nope&sort=sideways&page=-2')).total).toBe(5)
		expect(idsOf(await browse('/needs?urgency=critical&urgency=high'))).toEqual(sorted(w.needs.children, w.needs.vegetables))
		expect(idsOf(await browse('/needs?keyCounty=1'))).toEqual(sorted(w.needs.vegetables, w.needs.road))
	})

	it('filters by a region prefix at province, county and village level, offering the level below', async () => {
		const sichuan = await browse('/needs?region=510000000000')
		expect(idsOf(sichuan)).toEqual(sorted(w.needs.vegetables, w.needs.training, w.needs.road, w.needs.html))
		expect(sichuan.regionFilter.region).toMatchObject({ code: '510000000000', name: '四川省', fullName: '四川省' })
		expect(sichuan.regionFilter.children).toEqual([{ code: '513400000000', name: '凉山彝族自治州', level: 2, isKeyCounty: false, count: 4 }])
		expect(idsOf(await browse('/needs?region=330000000000'))).toEqual([w.needs.children])

		const zhaojue = await browse('/needs?region=513431000000')
		expect(idsOf(zhaojue)).toEqual(sorted(w.needs.vegetables, w.needs.road))
		expect(zhaojue.regionFilter.ancestors.map((a: { name: string }) => a.name)).toEqual(['四川省', '凉山彝族自治州'])
		expect(zhaojue.regionFilter.children.map((c: { name: string; count: number }) => [c.name, c.count])).toEqual([
			['新城镇', 2],
			['谷曲乡', 0],
		])
		expect(idsOf(await browse('/needs?region=513432000000'))).toEqual(sorted(w.needs.training, w.needs.html))
		expect(idsOf(await browse('/needs?region=513431100201&category=industry'))).toEqual([w.needs.vegetables])

		// At the top: the provinces, with counts.
		const top = await browse('/needs')
		expect(top.regionFilter.children.map((c: { name: string; count: number }) => [c.name, c.count])).toEqual([
			['北京市', 0],
			['浙江省', 1],
			['四川省', 4],
		])
		// A code that names no region is not applied, and the page says so; a place name offers matches.
		const unknown = await browse('/needs?region=519999000000')
		expect(unknown.total).toBe(5)
		expect(unknown.regionFilter.unknownRegion).toBe('519999000000')
		const byName = await browse('/needs?place=昭觉')
		expect(byName.regionFilter.suggestions).toEqual([{ code: '513431000000', level: 3, fullName: '四川省 凉山彝族自治州 昭觉县' }])
		expect(idsOf(await browse('/needs?place=513432000000'))).toEqual(sorted(w.needs.training, w.needs.html))
	})

	it('shows a central unit only the needs in its 定点帮扶 county with "in my pairings"', async () => {
		const mine = await browse('/needs?mine=1', w.centralAccount)
		expect(mine.canUseMine).toBe(true)
		expect(idsOf(mine)).toEqual(sorted(w.needs.vegetables, w.needs.road))
		expect(mine.state).toEqual({ mine: '1' })
		// Combined with other filters.
		expect(idsOf(await browse('/needs?mine=1&category=industry', w.centralAccount))).toEqual([w.needs.vegetables])
		// A village or an anonymous visitor cannot use it: ignored, and said so.
		const anon = await browse('/needs?mine=1')
		expect(anon).toMatchObject({ canUseMine: false, mineIgnored: true, total: 5 })
		const villager = await browse('/needs?mine=1', w.sanheActor.accountId)
		expect(villager).toMatchObject({ canUseMine: false, mineIgnored: true })
		// A provider without pairings gets an explained empty list.
		const lonely = await makeAccount(ctx.db)
		await makeOrg(ctx.db, 'social_org', { ownerId: lonely.id })
		const none = await browse('/needs?mine=1', lonely.id)
		expect(none).toMatchObject({ canUseMine: true, mineRegions: 0, total: 0, rows: [] })
	})

	it('sorts by needed-by date, urgency and remaining gap', async () => {
		const order = async (sort: string) => (await browse(`/needs?sort=${sort}`)).rows.map((r: { id: string }) => r.id)
		expect((await order('needed_by')).slice(0, 2)).toEqual([w.needs.road, w.needs.vegetables])
		expect((await order('urgency')).slice(0, 2)).toEqual([w.needs.children, w.needs.vegetables])
		expect((await order('remaining'))[0]).toBe(w.needs.children)
	})

	it('pages through results and keeps the filters in the page links', async () => {
		for (let i = 0; i < 22; i++) {
			await published(w.sanhe, w.sanheActor, w.zhaojueTownship, { title: `教师培训第${i + 1}期`, category: 'education' })
		}
		await drain()
		const first = await browse('/needs?category=education&region=513431000000')
		expect(first).toMatchObject({ total: 22, page: 1, pages: 2 })
		expect(first.rows).toHaveLength(20)
		expect(first.state).toEqual({ category: ['education'], region: '513431000000' })

		const html = await render(NeedsPage, first, '/needs?category=education&region=513431000000')
		const next = html.match(/<a[^>]*rel="next"[^>]*href="([^"]+)"|<a[^>]*href="([^"]+)"[^>]*rel="next"/)
		const href = (next?.[1] ?? next?.[2] ?? '').replace(/&amp;/g, '&')
		expect(href).toContain('category=education')
		expect(href).toContain('region=513431000000')
		expect(href).toContain('page=2')
		expect(html).toContain('共 22 条')
		expect(html).toContain('第 1 页，共 2 页')

		const second = await browse(`/needs${href.slice(href.indexOf('?'))}`)
		expect(second).toMatchObject({ total: 22, page: 2, pages: 2 })
		expect(second.rows).toHaveLength(2)
		expect(second.rows.every((r: { category: string; villageCode: string }) => r.category === 'education' && r.villageCode.startsWith('513431'))).toBe(true)
		const secondHtml = await render(NeedsPage, second, `/needs${href.slice(href.indexOf('?'))}`)
		expect(secondHtml).toContain('第 2 页，共 2 页')
		expect(secondHtml).toMatch(/rel="prev"/)

		// Past the end: an empty page with a way back.
		const past = await browse('/needs?category=education&page=9')
		expect(past.rows).toEqual([])
		expect(await render(NeedsPage, past, '/needs?category=education&page=9')).toContain('回到第 1 页')
	})

	it('renders HTML in a title as text, money with ¥ and separators', async () => {
		const data = await browse('/needs?q=饮水')
		expect(idsOf(data)).toEqual([w.needs.html])
		expect(data.rows[0].title).toBe('<script>alert(1)</script><b>饮水</b>工程')
		const html = await render(NeedsPage, data, '/needs?q=饮水')
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;饮水&lt;/b&gt;工程')
		expect(html).not.toContain('<script>alert(1)')
		expect(html).not.toContain('<b>饮水')

		const children = await browse('/needs?q=儿童')
		expect(await render(NeedsPage, children, '/needs?q=儿童')).toContain('¥1,234,567.89')
	})
})

describe('/offers and /projects browse', () => {
	it('lists active offers with their provider, categories and capacity; drafts never', async () => {
		const res = await runRoute(offersLoader, await requestAs(null, '/offers'))
		expect(res.status).toBe(200)
		expect(res.data.total).toBe(1)
		expect(res.data.rows[0]).toMatchObject({ title: '消费帮扶采购', orgName: '某部委', orgKind: 'central_unit', capacity: 200_000_000, categories: ['consumption'], isKeyCounty: true })
		expect(res.data.facets.orgKind).toEqual({ central_unit: 1 })
		expect((await runRoute(offersLoader, await requestAs(null, '/offers?region=513431000000&orgKind=central_unit'))).data.total).toBe(1)
		expect((await runRoute(offersLoader, await requestAs(null, '/offers?region=330000000000'))).data.total).toBe(0)
		expect((await runRoute(offersLoader, await requestAs(null, '/offers?q=草稿'))).data.total).toBe(0)
		const html = await render(OffersPage, res.data, '/offers')
		expect(html).toContain('¥2,000,000')
		expect(html).toContain('消费帮扶采购')
	})

	it('lists projects with type and status facets', async () => {
		const res = await runRoute(projectsLoader, await requestAs(null, '/projects?type=industry&status=planned&region=513431100201'))
		expect(res.status).toBe(200)
		expect(res.data.rows).toMatchObject([{ title: '蔬菜加工厂', orgName: '兴村农业公司', plannedInvestment: 300_000_000, permanentJobs: 15 }])
		expect(res.data.facets.categories).toEqual({ industry: 1 })
		expect((await runRoute(projectsLoader, await requestAs(null, '/projects?status=completed'))).data.total).toBe(0)
		const html = await render(ProjectsPage, res.data, '/projects?type=industry')
		expect(html).toContain('¥3,000,000')
		expect(html).toContain('三河村')
	})
})
