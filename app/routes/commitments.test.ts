import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInstance } from 'i18next'
import { type ComponentType, createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { StaticRouterProvider, createStaticHandler, createStaticRouter } from 'react-router-dom/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import i18nConfig, { resources } from '#app/i18n.ts'
import { createNeed, reviewNeed, submitNeed } from '#app/models/need.server.ts'
import { createOffer, transitionOffer } from '#app/models/offer.server.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { tm } from '#app/utils/i18n-message.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import CommitmentPage, { action as pageAction, loader as pageLoader } from './commitments.$commitmentId.tsx'
import CommitmentsIndex, { loader as indexLoader } from './commitments._index.tsx'
import NewCommitmentPage, { action as newAction, loader as newLoader } from './commitments.new.tsx'
import NeedPage, { loader as needLoader } from './needs.$needId.tsx'
import OfferPage, { loader as offerLoader } from './offers.$offerId.tsx'
import { loader as uploadLoader } from './uploads.$uploadId.tsx'

const ctx = useGlobalTestDb()

// A real 1×1 PNG and the start of a PDF (as in app/models/upload.server.test.ts and commitment.server.test.ts).
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'))
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
const TEXT = new TextEncoder().encode('收据.pdf 其实只是文本')
const DAY = 86_400_000
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)

let uploadDir: string
let previousUploadDir: string | undefined
let vOwner: string
let vOwnerB: string
let villageA: string
let pOwner: string
let pMember: string
let provider: string
let townshipIn: string
let townshipOut: string
let stranger: string

beforeAll(async () => {
	uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-commitment-routes-'))
	previousUploadDir = process.env.UPLOAD_DIR
	process.env.UPLOAD_DIR = uploadDir
	await seedRegions(ctx.db)
	vOwner = (await makeAccount(ctx.db)).id
	villageA = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: vOwner, name: '三河村村民委员会' })
	vOwnerB = (await makeAccount(ctx.db)).id
	await makeOrg(ctx.db, 'village', { regionCode: '513431101201', ownerId: vOwnerB, name: '谷曲村村民委员会' })
	pOwner = (await makeAccount(ctx.db)).id
	provider = await makeOrg(ctx.db, 'central_unit', { ownerId: pOwner, name: '国家帮扶单位甲' })
	pMember = (await makeAccount(ctx.db)).id
	await ctx.db.insertInto('membership').values({ orgId: provider, accountId: pMember, role: 'member', createdAt: Date.now() }).execute()
	stranger = (await makeAccount(ctx.db)).id
	// 新城镇 covers 三河村; 谷曲乡 is another township of the same county.
	townshipIn = (await makeOfficial(ctx.db, '513431100000')).accountId
	townshipOut = (await makeOfficial(ctx.db, '513431101000')).accountId
})

afterAll(() => {
	if (previousUploadDir === undefined) delete process.env.UPLOAD_DIR
	else process.env.UPLOAD_DIR = previousUploadDir
	fs.rmSync(uploadDir, { recursive: true, force: true })
})

/** A published money need of 三河村 asking for ¥1,000 (100,000 fen). */
async function publishedNeed(amount = '1000') {
	const { id } = await createNeed(
		ctx.db,
		villageA,
		{ title: '三河村花椒烘干设备', description: '购置烘干机', category: 'industry', measure: 'amount', amount, beneficiaries: '50', urgency: 'high', neededBy: dateIn(60) },
		await actorFor(ctx.db, vOwner),
	)
	await submitNeed(ctx.db, id, await actorFor(ctx.db, vOwner))
	await reviewNeed(ctx.db, id, { decision: 'publish' }, await actorFor(ctx.db, townshipIn))
	return id
}

function pledgeForm(overrides: Record<string, string | null> = {}) {
	return { providerOrgId: provider, amount: '300', dueAt: dateIn(30), message: '分两批交付\n联系人：李老师', idempotencyKey: null, ...overrides }
}

async function snapshot(commitmentId?: string) {
	const tables = ['commitment', 'event', 'notification', 'commitmentMilestone', 'commitmentUpdate', 'commitmentFeedback', 'upload'] as const
	const counts: Record<string, number> = {}
	for (const t of tables) counts[t] = await countRows(ctx.db, t)
	const row = commitmentId ? await ctx.db.selectFrom('commitment').selectAll().where('id', '=', commitmentId).executeTakeFirst() : undefined
	return { counts, row }
}

/** Posts the pledge form and returns the commitment id from the redirect. */
async function pledgeViaRoute(needId: string, overrides: Record<string, string | null> = {}) {
	const res = await runRoute(newAction, await requestAs(pOwner, `/commitments/new?need=${needId}`, { form: pledgeForm(overrides) }))
	expect(res.status).toBe(302)
	const id = res.location?.match(/^\/commitments\/([^?]+)\?notice=created$/)?.[1]
	expect(id, res.location ?? '').toBeTruthy()
	return id as string
}

async function post(accountId: string, commitmentId: string, form: Record<string, string>) {
	return runRoute(pageAction, await requestAs(accountId, `/commitments/${commitmentId}`, { form }), { commitmentId })
}

type EvidenceFile = { name: string; bytes: Uint8Array; type: string }

/** The progress-update form as the browser sends it: multipart, fields then the chosen files. */
async function postUpdate(accountId: string, commitmentId: string, fields: Record<string, string>, files: EvidenceFile[]) {
	const signedIn = await requestAs(accountId, `/commitments/${commitmentId}`)
	const body = new FormData()
	body.append('intent', 'post-update')
	for (const [key, value] of Object.entries(fields)) body.append(key, value)
	for (const f of files) body.append('evidence', new File([new Uint8Array(f.bytes)], f.name, { type: f.type }))
	const headers = new Headers({ cookie: signedIn.headers.get('cookie') ?? '' })
	return runRoute(pageAction, new Request(signedIn.url, { method: 'POST', headers, body }), { commitmentId })
}

async function status(commitmentId: string) {
	return (await ctx.db.selectFrom('commitment').select('status').where('id', '=', commitmentId).executeTakeFirstOrThrow()).status
}

/** Server-renders a route component with its loader data, as the document request would. */
async function render(Component: ComponentType, loaderData: object, url: string, lng = 'zh-CN') {
	const handler = createStaticHandler([{ id: 'page', path: '*', loader: () => loaderData, Component }])
	const context = await handler.query(new Request(new URL(url, 'http://localhost')))
	if (context instanceof Response) throw new Error('unexpected response')
	const router = createStaticRouter(handler.dataRoutes, context)
	const i18n = createInstance()
	await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources })
	return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

describe('/commitments/new', () => {
	it('sends an anonymous visitor to the login page and writes nothing', async () => {
		const needId = await publishedNeed()
		const url = `/commitments/new?need=${needId}`
		const res = await runRoute(newLoader, await requestAs(null, url))
		expect([res.status, res.location]).toEqual([302, `/login?redirectTo=${encodeURIComponent(url)}`])
		const before = await snapshot()
		const posted = await runRoute(newAction, await requestAs(null, url, { form: pledgeForm() }))
		expect(posted.status).toBe(302)
		expect(posted.location).toMatch(/^\/login\?redirectTo=/)
		expect(await snapshot()).toEqual(before)
		for (const [fn, u] of [
			[pageLoader, '/commitments/x'],
			[indexLoader, '/commitments'],
		] as const) {
			expect((await runRoute(fn, await requestAs(null, u), { commitmentId: 'x' })).location).toMatch(/^\/login\?redirectTo=/)
		}
	})

	it('explains to the village why it cannot pledge to its own need (403), and refuses a post by hand', async () => {
		const needId = await publishedNeed()
		const res = await runRoute(newLoader, await requestAs(vOwner, `/commitments/new?need=${needId}`))
		expect(res.status).toBe(403)
		expect(res.data).toMatchObject({ blocked: 'own_village', orgs: [], idempotencyKey: '' })
		const html = await render(NewCommitmentPage, res.data, `/commitments/new?need=${needId}`)
		expect(html).toContain('不能对本村的需求作出承诺')
		expect(html).toContain(`href="/needs/${needId}"`)
		expect(html).not.toContain('<form')

		const before = await snapshot()
		const posted = await runRoute(newAction, await requestAs(vOwner, `/commitments/new?need=${needId}`, { form: pledgeForm({ providerOrgId: provider }) }))
		expect(posted.status).toBe(403)
		expect(posted.data.result.error['']).toEqual(['errors.commitment_not_provider'])
		expect(await snapshot()).toEqual(before)

		// A provider's plain member, and someone with no org at all, get the way forward instead of a form.
		const member = await runRoute(newLoader, await requestAs(pMember, `/commitments/new?need=${needId}`))
		expect([member.status, member.data.blocked]).toEqual([403, 'member_only'])
		const nobody = await runRoute(newLoader, await requestAs(stranger, `/commitments/new?need=${needId}`))
		expect([nobody.status, nobody.data.blocked]).toEqual([403, 'no_org'])
		expect(await render(NewCommitmentPage, nobody.data, '/commitments/new')).toContain('href="/orgs/new"')
		// An unknown need is a 404.
		expect((await runRoute(newLoader, await requestAs(pOwner, '/commitments/new?need=nope'))).status).toBe(404)
	})

	it('shows the need, the remaining gap and a fresh idempotency key per render', async () => {
		const needId = await publishedNeed()
		const first = await runRoute(newLoader, await requestAs(pOwner, `/commitments/new?need=${needId}`))
		const second = await runRoute(newLoader, await requestAs(pOwner, `/commitments/new?need=${needId}`))
		expect(first.status).toBe(200)
		expect(first.data).toMatchObject({ blocked: null, orgs: [{ id: provider, name: '国家帮扶单位甲' }], defaults: { providerOrgId: provider, offerId: '' } })
		expect(first.data.need).toMatchObject({ id: needId, title: '三河村花椒烘干设备', target: 100_000, remaining: 100_000, villageName: expect.stringContaining('三河村') })
		expect(first.data.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)
		expect(second.data.idempotencyKey).not.toBe(first.data.idempotencyKey)
		const html = await render(NewCommitmentPage, first.data, `/commitments/new?need=${needId}`)
		for (const name of ['amount', 'dueAt', 'message', 'idempotencyKey', 'needId', 'providerOrgId']) expect(html).toContain(`name="${name}"`)
		expect(html).toContain('¥1,000')
		expect(html).toMatch(/<label[^>]*for="[^"]+"[^>]*>承诺金额（元）<\/label>/)
		expect(html).toContain(`value="${first.data.idempotencyKey}"`)
	})

	it('refuses a zero amount, more than the gap (naming what remains) and a past due date; nothing is written', async () => {
		const needId = await publishedNeed()
		const url = `/commitments/new?need=${needId}`
		const before = await snapshot()
		const cases: Array<[Record<string, string>, Record<string, string[]>]> = [
			[{ amount: '0' }, { amount: ['validation.must_be_positive'] }],
			[{ amount: '1000.01' }, { amount: ['errors.commit_exceeds_gap|{"remaining":"¥1,000"}'] }],
			[{ dueAt: dateIn(-1) }, { dueAt: ['validation.date_in_past'] }],
			[{ amount: '', dueAt: '' }, { amount: ['validation.required'], dueAt: ['validation.required'] }],
		]
		for (const [overrides, errors] of cases) {
			const res = await runRoute(newAction, await requestAs(pOwner, url, { form: pledgeForm(overrides) }))
			expect(res.status, JSON.stringify(overrides)).toBe(400)
			expect(res.data.result.error).toEqual(errors)
		}
		expect(await snapshot()).toEqual(before)

		// The gap message reads as words, in both languages.
		const over = await runRoute(newAction, await requestAs(pOwner, url, { form: pledgeForm({ amount: '5000' }) }))
		const message = over.data.result.error.amount[0]
		for (const [lng, text] of [
			['zh-CN', '超出需求尚缺的数额：最多还可承诺 ¥1,000'],
			['en', 'More than the need still lacks: at most ¥1,000 remains'],
		]) {
			const i18n = createInstance()
			await i18n.init({ ...i18nConfig, lng, resources })
			expect(tm(i18n.t, message)).toBe(text)
		}
		expect(await snapshot()).toEqual(before)
	})

	it('redirects a valid pledge to its page; the same idempotency key twice makes one commitment', async () => {
		const needId = await publishedNeed()
		const url = `/commitments/new?need=${needId}`
		const key = crypto.randomUUID()
		const before = await countRows(ctx.db, 'commitment')
		const first = await runRoute(newAction, await requestAs(pOwner, url, { form: pledgeForm({ idempotencyKey: key }) }))
		expect(first.status).toBe(302)
		const id = first.location?.match(/^\/commitments\/([^?]+)\?notice=created$/)?.[1] as string
		expect(id).toBeTruthy()
		const again = await runRoute(newAction, await requestAs(pOwner, url, { form: pledgeForm({ idempotencyKey: key, amount: '999' }) }))
		expect([again.status, again.location]).toEqual([302, `/commitments/${id}?notice=replayed`])
		expect(await countRows(ctx.db, 'commitment')).toBe(before + 1)
		expect(await ctx.db.selectFrom('commitment').select(['amount', 'status', 'message']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({
			amount: 30_000,
			status: 'pledged',
			message: '分两批交付\n联系人：李老师',
		})

		const page = await runRoute(pageLoader, await requestAs(pOwner, `/commitments/${id}?notice=replayed`), { commitmentId: id })
		expect(page.data.notice).toBe('commitment.messages.replayed')
		const html = await render(CommitmentPage, page.data, `/commitments/${id}?notice=replayed`)
		expect(html).toContain('该承诺已经提交过，没有重复提交。')
	})

	it('preselects an offer from the link; an offer that does not fit is explained', async () => {
		const needId = await publishedNeed()
		const owner = await actorFor(ctx.db, pOwner)
		const { id: offerId } = await createOffer(
			ctx.db,
			provider,
			{ title: '产业帮扶资金', description: '支持村级产业', categories: ['industry'], measure: 'amount', capacity: '500', coverage: 'nationwide', validFrom: dateIn(-1), validUntil: dateIn(180) },
			owner,
		)
		await transitionOffer(ctx.db, offerId, { action: 'publish' }, owner)
		const res = await runRoute(newLoader, await requestAs(pOwner, `/commitments/new?need=${needId}&offer=${offerId}`))
		expect(res.data.defaults).toEqual({ providerOrgId: provider, offerId })
		expect(res.data.offers).toEqual([{ id: offerId, title: '产业帮扶资金', providerOrgId: provider, remaining: 50_000 }])
		expect(res.data.offerUnavailable).toBe(false)
		const html = await render(NewCommitmentPage, res.data, `/commitments/new?need=${needId}&offer=${offerId}`)
		expect(html).toMatch(new RegExp(`<option value="${offerId}" selected="">产业帮扶资金`))
		const wrong = await runRoute(newLoader, await requestAs(pOwner, `/commitments/new?need=${needId}&offer=nope`))
		expect([wrong.data.offerUnavailable, wrong.data.defaults.offerId]).toEqual([true, ''])

		// More than the offer has left is refused on the amount, naming what remains.
		const over = await runRoute(newAction, await requestAs(pOwner, `/commitments/new?need=${needId}`, { form: pledgeForm({ offerId, amount: '600' }) }))
		expect([over.status, over.data.result.error.amount]).toEqual([400, ['errors.commit_exceeds_capacity|{"remaining":"¥500"}']])
	})
})

describe('/commitments/:commitmentId', () => {
	it('lets only the village accept; another village gets 404 and nothing changes', async () => {
		const needId = await publishedNeed()
		const id = await pledgeViaRoute(needId)
		expect((await runRoute(pageLoader, await requestAs(vOwnerB, `/commitments/${id}`), { commitmentId: id })).status).toBe(404)
		const before = await snapshot(id)
		const other = await post(vOwnerB, id, { intent: 'accept' })
		expect(other.status).toBe(404)
		expect(other.data).toMatchObject({ form: 'accept', notices: [] })
		expect(other.data.result.error['']).toEqual(['errors.commitment_not_found'])
		// The provider sees it but may not answer its own pledge.
		const own = await post(pOwner, id, { intent: 'accept' })
		expect([own.status, own.data.result.error['']]).toEqual([403, ['errors.commitment_not_village']])
		expect(await snapshot(id)).toEqual(before)

		const page = await runRoute(pageLoader, await requestAs(vOwner, `/commitments/${id}`), { commitmentId: id })
		expect(page.data.viewer).toMatchObject({ canAccept: true, canDecline: true, canWithdraw: false })
		const html = await render(CommitmentPage, page.data, `/commitments/${id}`)
		expect(html).toContain('name="intent" value="accept"')
		expect(html).toContain('name="intent" value="decline"')
		expect(html).not.toContain('value="withdraw"')

		const accepted = await post(vOwner, id, { intent: 'accept' })
		expect([accepted.status, accepted.data.notices]).toEqual([200, ['commitment.messages.accepted']])
		expect(await status(id)).toBe('accepted')
		// Answering twice is a conflict on the same form, not a crash.
		const twice = await post(vOwner, id, { intent: 'accept' })
		expect([twice.status, twice.data.form, twice.data.result.error['']]).toEqual([409, 'accept', ['errors.commitment_not_pledged']])
	})

	it('a decline needs a reason; unknown intents are refused', async () => {
		const id = await pledgeViaRoute(await publishedNeed())
		const before = await snapshot(id)
		const bare = await post(vOwner, id, { intent: 'decline', reason: '  ' })
		expect([bare.status, bare.data.form, bare.data.result.error]).toEqual([400, 'decline', { reason: ['validation.required'] }])
		const unknown = await post(vOwner, id, { intent: 'explode' })
		expect([unknown.status, unknown.data.error]).toEqual([400, 'commitment.page.unknown_intent'])
		expect(await snapshot(id)).toEqual(before)
		const declined = await post(vOwner, id, { intent: 'decline', reason: '已由其他单位解决' })
		expect([declined.status, declined.data.notices]).toEqual([200, ['commitment.messages.declined']])
		expect(await status(id)).toBe('declined')
	})

	it('goes the whole way: start, milestone, update with a photo and a PDF, confirm, deliver, verify, feedback, closed', async () => {
		const needId = await publishedNeed()
		const id = await pledgeViaRoute(needId, { amount: '1000' })
		expect((await post(vOwner, id, { intent: 'accept' })).status).toBe(200)

		const started = await post(pOwner, id, { intent: 'start' })
		expect([started.status, started.data.notices]).toEqual([200, ['commitment.messages.started']])

		const badShare = await post(pOwner, id, { intent: 'add-milestone', title: '第一批设备到村', dueAt: dateIn(10), share: '150' })
		expect([badShare.status, badShare.data.form, badShare.data.result.error]).toEqual([400, 'add-milestone', { share: ['validation.share_range'] }])
		const milestone = await post(pOwner, id, { intent: 'add-milestone', title: '第一批设备到村', dueAt: dateIn(10), share: '60' })
		expect([milestone.status, milestone.data.notices]).toEqual([200, ['commitment.messages.milestone_added']])
		const milestoneId = (await ctx.db.selectFrom('commitmentMilestone').select('id').where('commitmentId', '=', id).executeTakeFirstOrThrow()).id

		// A file that is not a photo or PDF is refused by name, and nothing is written.
		const before = await snapshot(id)
		const badFile = await postUpdate(pOwner, id, { body: '设备已发出', milestoneId }, [
			{ name: 'a.png', bytes: PNG, type: 'image/png' },
			{ name: '收据.pdf', bytes: TEXT, type: 'application/pdf' },
		])
		expect([badFile.status, badFile.data.form, badFile.data.filesLost]).toEqual([400, 'post-update', true])
		expect(badFile.data.result.error.evidence).toEqual(['errors.evidence_type|{"name":"收据.pdf"}'])
		const noBody = await postUpdate(pOwner, id, { body: '' }, [])
		expect(noBody.data.result.error).toEqual({ body: ['validation.required'] })
		// The village may not post the provider's progress.
		const villagePost = await postUpdate(vOwner, id, { body: '我们来写' }, [{ name: 'a.png', bytes: PNG, type: 'image/png' }])
		expect([villagePost.status, villagePost.data.result.error['']]).toEqual([403, ['errors.commitment_not_provider']])
		expect(await snapshot(id)).toEqual(before)

		const update = await postUpdate(pOwner, id, { body: '第一批烘干机已送达村委会。\n见照片和签收单。', milestoneId }, [
			{ name: '到货.png', bytes: PNG, type: 'image/png' },
			{ name: '签收单.pdf', bytes: PDF, type: 'application/pdf' },
		])
		expect([update.status, update.data.notices]).toEqual([200, ['commitment.messages.update_posted']])
		const uploads = await ctx.db
			.selectFrom('upload')
			.innerJoin('commitmentUpdate', 'commitmentUpdate.id', 'upload.ownerId')
			.select(['upload.id', 'upload.kind', 'upload.contentType', 'upload.originalName'])
			.where('commitmentUpdate.commitmentId', '=', id)
			.orderBy('upload.id')
			.execute()
		expect(uploads.map((u) => [u.kind, u.contentType, u.originalName])).toEqual([
			['photo', 'image/png', '到货.png'],
			['document', 'application/pdf', '签收单.pdf'],
		])
		const [photo, pdf] = uploads

		const confirmed = await post(vOwner, id, { intent: 'confirm-milestone', milestoneId })
		expect([confirmed.status, confirmed.data.form, confirmed.data.notices]).toEqual([200, `confirm-milestone-${milestoneId}`, ['commitment.messages.milestone_confirmed']])

		const tooMuch = await post(vOwner, id, { intent: 'confirm-delivery', deliveredAmount: '1000.01' })
		expect([tooMuch.status, tooMuch.data.result.error]).toEqual([400, { deliveredAmount: ['errors.delivered_exceeds_amount|{"amount":"¥1,000"}'] }])
		// The form offers the full amount by default.
		const beforeDelivery = await runRoute(pageLoader, await requestAs(vOwner, `/commitments/${id}`), { commitmentId: id })
		expect(await render(CommitmentPage, beforeDelivery.data, `/commitments/${id}`)).toMatch(/name="deliveredAmount"[^>]*value="1000"|value="1000"[^>]*name="deliveredAmount"/)
		const delivered = await post(vOwner, id, { intent: 'confirm-delivery', deliveredAmount: '1000' })
		expect([delivered.status, delivered.data.notices]).toEqual([200, ['commitment.messages.delivered']])

		// An official outside the jurisdiction may not even see the commitment (not public): 404.
		// A prefecture official over the village sees it but may not verify (county or township only): 403.
		const prefecture = (await makeOfficial(ctx.db, '513400000000')).accountId
		const outside = await snapshot(id)
		const wrongOfficial = await post(townshipOut, id, { intent: 'verify', note: '' })
		expect([wrongOfficial.status, wrongOfficial.data.result.error['']]).toEqual([404, ['errors.commitment_not_found']])
		const wrongLevel = await post(prefecture, id, { intent: 'verify', note: '' })
		expect([wrongLevel.status, wrongLevel.data.result.error['']]).toEqual([403, ['errors.commitment_verify_level']])
		expect(await snapshot(id)).toEqual(outside)

		const verified = await post(townshipIn, id, { intent: 'verify', note: '现场查看，设备已安装' })
		expect(verified.status).toBe(200)
		// The whole need was delivered and verified, so it closed.
		expect(verified.data.notices).toEqual(['commitment.messages.verified', 'commitment.messages.need_closed'])

		const village = await post(vOwner, id, { intent: 'feedback', rating: '5', comment: '按时到位' })
		expect([village.status, village.data.form, village.data.notices]).toEqual([200, 'feedback-village', ['commitment.messages.feedback_given']])
		const badRating = await post(pOwner, id, { intent: 'feedback', side: 'provider', rating: '6' })
		expect([badRating.status, badRating.data.result.error]).toEqual([400, { rating: ['validation.rating_range'] }])
		const providerSide = await post(pOwner, id, { intent: 'feedback', side: 'provider', rating: '4', comment: '配合积极' })
		expect([providerSide.status, providerSide.data.notices]).toEqual([200, ['commitment.messages.feedback_given', 'commitment.messages.closed']])
		expect(await status(id)).toBe('closed')

		// The page shows it all, to each party.
		const page = await runRoute(pageLoader, await requestAs(townshipIn, `/commitments/${id}`), { commitmentId: id })
		expect(page.status).toBe(200)
		expect(page.data.commitment).toMatchObject({ status: 'closed', amount: 100_000, deliveredAmount: 100_000, feedback: { village: { rating: 5 }, provider: { rating: 4 } } })
		expect(page.data.events.map((e: { action: string }) => e.action)).toEqual([
			'create',
			'accept',
			'start',
			'add_milestone',
			'report_milestone',
			'confirm_milestone',
			'deliver',
			'verify',
			'feedback',
			'feedback',
			'close',
		])
		const html = await render(CommitmentPage, page.data, `/commitments/${id}`)
		expect(html).toContain('已完成')
		expect(html).toContain('第一批设备到村')
		expect(html).toContain('村里已确认')
		expect(html).toContain(`src="/uploads/${photo.id}"`)
		expect(html).toMatch(new RegExp(`href="/uploads/${pdf.id}" download="签收单.pdf"`))
		expect(html).toContain('受助村对帮扶方的评价')
		expect(html).toContain('按时到位')
		expect(html).toContain('配合积极')
		expect(html).not.toContain('name="intent"')
		const en = await render(CommitmentPage, page.data, `/commitments/${id}`, 'en')
		expect(en).toContain('Closed')
		expect(en).toContain('Download 签收单.pdf')

		// The need page: real progress and who helped.
		const need = await runRoute(needLoader, await requestAs(null, `/needs/${needId}`), { needId })
		expect(need.data.need.progress).toMatchObject({ committed: 100_000, delivered: 100_000, verified: 100_000, coverage: 'full', delivery: 'full', helpers: [{ orgId: provider, name: '国家帮扶单位甲', amount: 100_000 }] })
		expect(need.data.commitments).toEqual([])
		const needHtml = await render(NeedPage, need.data, `/needs/${needId}`)
		expect(needHtml.match(/id="h-progress"/g)).toHaveLength(1)
		expect(needHtml).not.toContain('对接功能上线后显示')
		expect(needHtml).toContain('参与帮扶的单位')
		expect(needHtml).toContain(`href="/orgs/${provider}"`)
		expect(needHtml).toContain('¥1,000 / ¥1,000')
		expect(needHtml).not.toContain(`/commitments/${id}`)
		const insider = await runRoute(needLoader, await requestAs(vOwner, `/needs/${needId}`), { needId })
		expect(insider.data.commitments).toMatchObject([{ id, providerName: '国家帮扶单位甲', status: 'closed' }])
		expect(await render(NeedPage, insider.data, `/needs/${needId}`)).toContain(`href="/commitments/${id}"`)

		// Evidence: the PDF downloads as an attachment, the photo shows inline, both nosniff; strangers get 404.
		const pdfRes = await runRoute(uploadLoader, await requestAs(vOwner, `/uploads/${pdf.id}`), { uploadId: pdf.id })
		expect(pdfRes.status).toBe(200)
		expect(pdfRes.headers.get('content-type')).toBe('application/pdf')
		expect(pdfRes.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('签收单.pdf')}`)
		expect(pdfRes.headers.get('x-content-type-options')).toBe('nosniff')
		expect(pdfRes.headers.get('content-security-policy')).toContain('sandbox')
		const pngRes = await runRoute(uploadLoader, await requestAs(pOwner, `/uploads/${photo.id}`), { uploadId: photo.id })
		expect(pngRes.headers.get('content-disposition')).toMatch(/^inline; /)
		expect(pngRes.headers.get('x-content-type-options')).toBe('nosniff')
		for (const who of [null, stranger, vOwnerB]) expect((await runRoute(uploadLoader, await requestAs(who, `/uploads/${pdf.id}`), { uploadId: pdf.id })).status).toBe(404)
	})

	it('a dispute needs a reason; the provider can withdraw before delivery', async () => {
		const needId = await publishedNeed()
		const id = await pledgeViaRoute(needId)
		await post(vOwner, id, { intent: 'accept' })
		await post(pOwner, id, { intent: 'start' })
		await post(vOwner, id, { intent: 'confirm-delivery', deliveredAmount: '200' })
		const bare = await post(townshipIn, id, { intent: 'dispute', reason: '' })
		expect([bare.status, bare.data.form, bare.data.result.error]).toEqual([400, 'dispute', { reason: ['validation.required'] }])
		const disputed = await post(townshipIn, id, { intent: 'dispute', reason: '缺少签收单' })
		expect([disputed.status, disputed.data.notices]).toEqual([200, ['commitment.messages.disputed']])
		const page = await runRoute(pageLoader, await requestAs(vOwner, `/commitments/${id}`), { commitmentId: id })
		expect(await render(CommitmentPage, page.data, `/commitments/${id}`)).toContain('缺少签收单')

		const other = await pledgeViaRoute(needId, { amount: '100' })
		const withdrawn = await post(pOwner, other, { intent: 'withdraw', reason: '预算调整' })
		expect([withdrawn.status, withdrawn.data.notices]).toEqual([200, ['commitment.messages.withdrawn']])
		expect(await status(other)).toBe('withdrawn')
	})
})

describe('/commitments', () => {
	it('lists the actor’s commitments by side, filters by status and puts overdue ones first', async () => {
		const needId = await publishedNeed()
		const open = await pledgeViaRoute(needId, { amount: '100' })
		const late = await pledgeViaRoute(needId, { amount: '100', dueAt: dateIn(0) })
		await post(vOwner, late, { intent: 'accept' })
		// Overdue is derived: move the due date back as time would.
		await ctx.db.updateTable('commitment').set({ dueAt: chinaDayStart(Date.now()) - 3 * DAY }).where('id', '=', late).execute()

		const asProvider = await runRoute(indexLoader, await requestAs(pOwner, '/commitments'))
		expect(asProvider.data.sections.map((s: { side: string }) => s.side)).toEqual(['provider'])
		const items = asProvider.data.sections[0].items as Array<{ id: string; overdue: boolean }>
		expect(items[0]).toMatchObject({ id: late, overdue: true })
		expect(items.map((i) => i.id)).toContain(open)

		const overdue = await runRoute(indexLoader, await requestAs(vOwner, '/commitments?status=overdue'))
		expect(overdue.data.filter).toBe('overdue')
		expect(overdue.data.sections[0]).toMatchObject({ side: 'village', items: [{ id: late, counterpart: '国家帮扶单位甲' }] })
		const pledged = await runRoute(indexLoader, await requestAs(vOwner, '/commitments?status=pledged'))
		expect(pledged.data.sections[0].items.map((i: { id: string }) => i.id)).toContain(open)
		expect(pledged.data.sections[0].items.map((i: { id: string }) => i.id)).not.toContain(late)
		const html = await render(CommitmentsIndex, overdue.data, '/commitments?status=overdue')
		expect(html).toContain(`href="/commitments/${late}"`)
		expect(html).toContain('已逾期')
		expect(html).toMatch(/<label for="f-status">/)

		const none = await runRoute(indexLoader, await requestAs(stranger, '/commitments'))
		expect(none.data).toMatchObject({ sections: [], hasOrgs: false })
		// Another village sees none of these.
		const otherVillage = await runRoute(indexLoader, await requestAs(vOwnerB, '/commitments'))
		expect(otherVillage.data.sections[0].items).toEqual([])
	})
})

describe('offer page', () => {
	it('shows capacity used and the commitments drawing on it to its provider', async () => {
		const needId = await publishedNeed()
		const owner = await actorFor(ctx.db, pOwner)
		const { id: offerId } = await createOffer(
			ctx.db,
			provider,
			{ title: '消费帮扶采购', description: '采购农产品', categories: ['industry'], measure: 'amount', capacity: '800', coverage: 'nationwide', validFrom: dateIn(-1), validUntil: dateIn(180) },
			owner,
		)
		await transitionOffer(ctx.db, offerId, { action: 'publish' }, owner)
		const id = await pledgeViaRoute(needId, { amount: '300', offerId })
		await post(vOwner, id, { intent: 'accept' })
		const res = await runRoute(offerLoader, await requestAs(pOwner, `/offers/${offerId}`), { offerId })
		expect(res.data.offer).toMatchObject({ capacityUsed: 30_000, remaining: 50_000 })
		expect(res.data.helped).toMatchObject([{ id, villageOrgName: '三河村村民委员会', status: 'accepted' }])
		expect(res.data.canPledge).toBe(true)
		const html = await render(OfferPage, res.data, `/offers/${offerId}`)
		expect(html).toContain('使用该资源的承诺')
		expect(html).toContain(`href="/commitments/${id}"`)
		// The public sees the figures, not the commitments.
		const anon = await runRoute(offerLoader, await requestAs(null, `/offers/${offerId}`), { offerId })
		expect([anon.data.helped, anon.data.suggestions]).toEqual([[], []])

		// Its members see needs it could serve, with reasons in words and a link to pledge from it.
		expect(res.data.suggestions.length).toBeGreaterThan(0)
		expect(res.data.suggestions.length).toBeLessThanOrEqual(5)
		const suggested = res.data.suggestions[0]
		expect(suggested.reasons.length).toBeGreaterThan(0)
		expect(html).toContain('可对接的需求')
		expect(html).toContain(`href="/commitments/new?need=${suggested.needId}&amp;offer=${offerId}"`)
		expect(html).not.toMatch(/suggestion\.reason\./)

		// And the need page suggests the offer to its provider, who may pledge from it.
		const need = await runRoute(needLoader, await requestAs(pOwner, `/needs/${needId}`), { needId })
		expect(need.data.viewer.canCommit).toBe(true)
		expect(need.data.suggestions).toContainEqual(expect.objectContaining({ offerId, providerOrgId: provider, canUse: true }))
		const needHtml = await render(NeedPage, need.data, `/needs/${needId}`)
		expect(needHtml).toContain('推荐的帮扶资源')
		expect(needHtml).toContain(`href="/commitments/new?need=${needId}"`)
		expect(needHtml).toContain(`href="/commitments/new?need=${needId}&amp;offer=${offerId}"`)
		expect(needHtml).toContain('我要承诺帮扶')
		expect(needHtml).not.toMatch(/suggestion\.reason\./)
		// The village sees the suggestions too, without the pledge link; the public sees none.
		const village = await runRoute(needLoader, await requestAs(vOwner, `/needs/${needId}`), { needId })
		expect(village.data.suggestions).toContainEqual(expect.objectContaining({ offerId, canUse: false }))
		expect((await runRoute(needLoader, await requestAs(null, `/needs/${needId}`), { needId })).data.suggestions).toEqual([])
	})
})
