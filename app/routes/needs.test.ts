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
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import NeedPage, { action as needAction, loader as needLoader } from './needs.$needId.tsx'
import { action as editAction, loader as editLoader } from './needs.$needId_.edit.tsx'
import NewNeedPage, { action as newAction, loader as newLoader } from './needs.new.tsx'
import { action as queueAction, loader as queueLoader } from './review_.needs.tsx'
import { loader as uploadLoader } from './uploads.$uploadId.tsx'

const ctx = useGlobalTestDb()

// A real 1×1 PNG (as in app/models/upload.server.test.ts).
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'))
const DAY = 86_400_000
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)

let uploadDir: string
let previousUploadDir: string | undefined
let ownerA: string
let clerkA: string
let ownerB: string
let plain: string
let villageA: string
let townshipIn: string
let townshipOut: string

beforeAll(async () => {
	uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-route-uploads-'))
	previousUploadDir = process.env.UPLOAD_DIR
	process.env.UPLOAD_DIR = uploadDir
	await seedRegions(ctx.db)
	ownerA = (await makeAccount(ctx.db)).id
	villageA = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: ownerA, name: '三河村村民委员会' })
	clerkA = (await makeAccount(ctx.db)).id
	await ctx.db.insertInto('membership').values({ orgId: villageA, accountId: clerkA, role: 'member', createdAt: Date.now() }).execute()
	ownerB = (await makeAccount(ctx.db)).id
	await makeOrg(ctx.db, 'village', { regionCode: '513431101201', ownerId: ownerB, name: '谷曲村村民委员会' })
	plain = (await makeAccount(ctx.db)).id
	// 新城镇 covers 三河村; 谷曲乡 is another township of the same county.
	townshipIn = (await makeOfficial(ctx.db, '513431100000')).accountId
	townshipOut = (await makeOfficial(ctx.db, '513431101000')).accountId
})

afterAll(() => {
	if (previousUploadDir === undefined) delete process.env.UPLOAD_DIR
	else process.env.UPLOAD_DIR = previousUploadDir
	fs.rmSync(uploadDir, { recursive: true, force: true })
})

function needForm(overrides: Record<string, string> = {}): Record<string, string> {
	return {
		title: '三河村花椒烘干设备资金缺口',
		description: '购置两台烘干机。\n带动 120 户增收。',
		category: 'industry',
		measure: 'amount',
		amount: '120000',
		beneficiaries: '120',
		urgency: 'high',
		neededBy: dateIn(60),
		intent: 'save',
		...overrides,
	}
}

type Photo = { name: string; bytes: Uint8Array; type?: string }

/** A multipart POST as the browser sends the need forms (fields, then the chosen photos). */
async function multipartAs(accountId: string | null, url: string, fields: Record<string, string>, photos: Photo[] = []) {
	const signedIn = await requestAs(accountId, url)
	const body = new FormData()
	for (const [key, value] of Object.entries(fields)) body.append(key, value)
	for (const p of photos) body.append('photos', new File([new Uint8Array(p.bytes)], p.name, { type: p.type ?? 'image/png' }))
	const headers = new Headers()
	const cookie = signedIn.headers.get('cookie')
	if (cookie) headers.set('cookie', cookie)
	return new Request(signedIn.url, { method: 'POST', headers, body })
}

async function rowCounts() {
	return Promise.all([countRows(ctx.db, 'need'), countRows(ctx.db, 'upload'), countRows(ctx.db, 'event')])
}

async function needRow(id: string) {
	return ctx.db.selectFrom('need').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

/** Posts the new-need form and returns the new need's id from the redirect. */
async function createViaRoute(accountId: string, fields: Record<string, string> = {}, photos: Photo[] = []) {
	const res = await runRoute(newAction, await multipartAs(accountId, '/needs/new', needForm(fields), photos))
	expect(res.status).toBe(302)
	const id = res.location?.match(/^\/needs\/([^?]+)\?/)?.[1]
	expect(id).toBeTruthy()
	return { id: id as string, location: res.location as string }
}

/** Server-renders a route component with its loader data, as the document request would. */
async function render(Component: ComponentType, loaderData: object, url: string) {
	const handler = createStaticHandler([{ id: 'page', path: '*', loader: () => loaderData, Component }])
	const context = await handler.query(new Request(new URL(url, 'http://localhost')))
	if (context instanceof Response) throw new Error('unexpected response')
	const router = createStaticRouter(handler.dataRoutes, context)
	const i18n = createInstance()
	await i18n.use(initReactI18next).init({ ...i18nConfig, lng: 'zh-CN', resources })
	return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

describe('/needs/new', () => {
	it('sends an anonymous visitor to the login page', async () => {
		const res = await runRoute(newLoader, await requestAs(null, '/needs/new'))
		expect(res.status).toBe(302)
		expect(res.location).toBe(`/login?redirectTo=${encodeURIComponent('/needs/new')}`)
		const before = await rowCounts()
		const post = await runRoute(newAction, await multipartAs(null, '/needs/new', needForm(), [{ name: 'a.png', bytes: PNG }]))
		expect(post.status).toBe(302)
		expect(post.location).toMatch(/^\/login\?redirectTo=/)
		expect(await rowCounts()).toEqual(before)
	})

	it('explains to someone without a verified village org what to do, and refuses their post', async () => {
		const pendingOwner = (await makeAccount(ctx.db)).id
		const pendingOrg = await makeOrg(ctx.db, 'village', { regionCode: '513431100202', status: 'pending', ownerId: pendingOwner, name: '火普村村民委员会' })
		const res = await runRoute(newLoader, await requestAs(pendingOwner, '/needs/new'))
		expect(res.status).toBe(200)
		expect(res.data.villages).toEqual([])
		expect(res.data.waiting).toEqual([{ id: pendingOrg, name: '火普村村民委员会', status: 'pending' }])
		const html = await render(NewNeedPage, res.data, '/needs/new')
		expect(html).toContain('需要先有已认证的村组织')
		expect(html).toContain('href="/orgs/new?kind=village"')
		expect(html).toContain(`href="/orgs/${pendingOrg}"`)
		expect(html).not.toContain('<form')

		const none = await runRoute(newLoader, await requestAs(plain, '/needs/new'))
		expect(none.data).toMatchObject({ villages: [], waiting: [] })

		// Posting by hand anyway: the model refuses and nothing is written.
		const before = await rowCounts()
		const post = await runRoute(newAction, await multipartAs(pendingOwner, '/needs/new', needForm({ villageOrgId: pendingOrg })))
		expect(post.status).toBe(403)
		expect(post.data.result.error['']).toEqual(['errors.org_not_verified'])
		const noOrg = await runRoute(newAction, await multipartAs(plain, '/needs/new', needForm()))
		expect(noOrg.status).toBe(400)
		expect(noOrg.data.result.error).toMatchObject({ villageOrgId: ['validation.required'] })
		expect(await rowCounts()).toEqual(before)
	})

	it('offers the village org, and the submit button only to its managers', async () => {
		const owner = await runRoute(newLoader, await requestAs(ownerA, '/needs/new'))
		expect(owner.data.villages).toEqual([{ id: villageA, name: '三河村村民委员会', canSubmit: true }])
		const clerk = await runRoute(newLoader, await requestAs(clerkA, '/needs/new'))
		expect(clerk.data.villages).toEqual([{ id: villageA, name: '三河村村民委员会', canSubmit: false }])
		const html = await render(NewNeedPage, clerk.data, '/needs/new')
		expect(html.toLowerCase()).toContain('enctype="multipart/form-data"')
		expect(html).toContain('accept="image/jpeg,image/png,image/webp"')
		expect(html).not.toContain('value="submit"')
	})

	it('answers bad input with field-named errors and writes nothing', async () => {
		const before = await rowCounts()
		const bad = await runRoute(
			newAction,
			await multipartAs(ownerA, '/needs/new', needForm({ title: '长'.repeat(10_000), amount: '0', category: 'bribery', neededBy: dateIn(-1) }), [{ name: 'ok.png', bytes: PNG }]),
		)
		expect(bad.status).toBe(400)
		expect(bad.data.result.error).toMatchObject({
			title: ['validation.too_long|{"max":200}'],
			amount: ['validation.must_be_positive'],
			category: ['validation.category_invalid'],
			neededBy: ['validation.date_in_past'],
		})
		// The photo has to be chosen again; the page says so.
		expect(bad.data.photosLost).toBe(true)

		const noUnit = await runRoute(newAction, await multipartAs(ownerA, '/needs/new', needForm({ measure: 'quantity', quantity: '30', unit: ' ' })))
		expect(noUnit.status).toBe(400)
		expect(noUnit.data.result.error).toMatchObject({ unit: ['validation.required'] })

		const notImage = await runRoute(
			newAction,
			await multipartAs(ownerA, '/needs/new', needForm(), [
				{ name: 'ok.png', bytes: PNG },
				{ name: 'evil.png', bytes: new TextEncoder().encode('<svg onload="alert(1)"></svg>'), type: 'image/png' },
			]),
		)
		expect(notImage.status).toBe(400)
		expect(notImage.data.result.error.photos).toEqual(['errors.upload_not_image', 'need.form.photo_bad_file|{"name":"evil.png"}'])

		const tooMany = await runRoute(newAction, await multipartAs(ownerA, '/needs/new', needForm(), Array.from({ length: 7 }, (_, i) => ({ name: `p${i}.png`, bytes: PNG }))))
		expect(tooMany.status).toBe(400)
		expect(tooMany.data.result.error.photos).toEqual(['errors.need_photo_limit|{"max":6}'])

		expect(await rowCounts()).toEqual(before)
	})

	it('refuses a photo over 5 MB on the photos field and keeps what was typed', async () => {
		const before = await rowCounts()
		const big = new Uint8Array(5 * 1024 * 1024 + 1)
		big.set(PNG)
		const res = await runRoute(newAction, await multipartAs(ownerA, '/needs/new', needForm({ title: '超大照片' }), [{ name: '大图.png', bytes: big }]))
		expect(res.status).toBe(400)
		expect(res.data.result.error.photos).toEqual(['errors.upload_too_large|{"maxMb":5}', 'need.form.photo_bad_file|{"name":"大图.png"}'])
		expect(res.data.result.initialValue.title).toBe('超大照片')

		// Well over the limit: the reader stops keeping the bytes, reads past them and still
		// parses the fields that follow the photo.
		const huge = new Uint8Array(6 * 1024 * 1024)
		huge.set(PNG)
		const body = await multipartAs(ownerA, '/needs/new', {}, [{ name: 'huge.png', bytes: huge }, { name: 'ok.png', bytes: PNG }])
		const form = await body.formData()
		const reordered = new FormData()
		for (const [key, value] of form) reordered.append(key, value)
		for (const [key, value] of Object.entries(needForm({ title: '照片之后的标题' }))) reordered.append(key, value)
		const after = await runRoute(newAction, new Request(body.url, { method: 'POST', headers: { cookie: body.headers.get('cookie') ?? '' }, body: reordered }))
		expect(after.status).toBe(400)
		expect(after.data.result.error.photos).toEqual(['errors.upload_too_large|{"maxMb":5}', 'need.form.photo_bad_file|{"name":"huge.png"}'])
		expect(after.data.result.initialValue.title).toBe('照片之后的标题')
		expect(await rowCounts()).toEqual(before)
	})

	it('saves a valid draft with its photo and redirects to the need page', async () => {
		const { id, location } = await createViaRoute(clerkA, { amount: '12000.50' }, [{ name: '烘干房.png', bytes: PNG }])
		expect(location).toBe(`/needs/${id}?notice=created`)
		expect(await needRow(id)).toMatchObject({ status: 'draft', villageOrgId: villageA, target: 1_200_050, measure: 'amount', createdBy: clerkA })
		const uploads = await ctx.db.selectFrom('upload').selectAll().where('ownerId', '=', id).execute()
		expect(uploads).toHaveLength(1)
		expect(uploads[0]).toMatchObject({ contentType: 'image/png', originalName: '烘干房.png', byteSize: PNG.byteLength })
		expect(fs.existsSync(path.join(uploadDir, uploads[0].storageKey))).toBe(true)

		const page = await runRoute(needLoader, await requestAs(clerkA, location), { needId: id })
		expect(page.status).toBe(200)
		expect(page.data.flash.notice).toBe('created')
		expect(page.data.need.photos).toEqual([{ id: uploads[0].id, originalName: '烘干房.png' }])
		expect(page.data.viewer).toMatchObject({ canEdit: true, canSubmit: false, canAddPhoto: true })
	})

	it('saves and submits for a manager; a plain member gets a draft and the reason', async () => {
		const { id, location } = await createViaRoute(ownerA, { intent: 'submit' })
		expect(location).toBe(`/needs/${id}?notice=submitted`)
		expect((await needRow(id)).status).toBe('submitted')

		const clerk = await createViaRoute(clerkA, { intent: 'submit' })
		expect((await needRow(clerk.id)).status).toBe('draft')
		expect(new URL(clerk.location, 'http://x').searchParams.get('submitError')).toBe('errors.not_org_admin')
		const page = await runRoute(needLoader, await requestAs(clerkA, clerk.location), { needId: clerk.id })
		expect(page.data.flash).toMatchObject({ notice: 'created', submitError: 'errors.not_org_admin' })
	})

	it('keeps the need as a draft and names the photo when storing it fails', async () => {
		// A file where the upload directory should be: every write fails.
		const blocked = path.join(uploadDir, 'not-a-directory')
		fs.writeFileSync(blocked, 'x')
		process.env.UPLOAD_DIR = blocked
		try {
			const { id, location } = await createViaRoute(ownerA, { intent: 'submit' }, [{ name: '村口.png', bytes: PNG }])
			expect((await needRow(id)).status).toBe('draft')
			expect(await ctx.db.selectFrom('upload').select('id').where('ownerId', '=', id).execute()).toEqual([])
			const page = await runRoute(needLoader, await requestAs(ownerA, location), { needId: id })
			expect(page.data.flash.photoFailures).toEqual([{ name: '村口.png', reason: 'errors.upload_failed' }])
			expect(page.data.need.photos).toEqual([])
			// Someone else following the same link sees no village-only messages.
			const official = await runRoute(needLoader, await requestAs(townshipIn, location), { needId: id })
			expect(official.data.flash.photoFailures).toEqual([])
		} finally {
			process.env.UPLOAD_DIR = uploadDir
		}
	})
})

describe('/needs/:needId', () => {
	it('submits a draft from the need page, with each intent checked by the model', async () => {
		const { id } = await createViaRoute(clerkA)
		const url = `/needs/${id}`
		// The clerk may edit but not submit or cancel.
		const refused = await runRoute(needAction, await requestAs(clerkA, url, { form: { intent: 'submit' } }), { needId: id })
		expect(refused.status).toBe(403)
		expect(refused.data).toMatchObject({ form: 'submit', notice: null })
		expect(refused.data.result.error['']).toEqual(['errors.not_org_admin'])
		const cancel = await runRoute(needAction, await requestAs(clerkA, url, { form: { intent: 'cancel', reason: '不需要了' } }), { needId: id })
		expect(cancel.status).toBe(403)

		const unknown = await runRoute(needAction, await requestAs(ownerA, url, { form: { intent: 'delete' } }), { needId: id })
		expect(unknown.status).toBe(400)
		expect(unknown.data.error).toBe('need.page.unknown_intent')

		const submitted = await runRoute(needAction, await requestAs(ownerA, url, { form: { intent: 'submit' } }), { needId: id })
		expect(submitted.status).toBe(200)
		expect(submitted.data).toMatchObject({ form: 'submit', notice: 'need.messages.submitted' })
		expect((await needRow(id)).status).toBe('submitted')

		const again = await runRoute(needAction, await requestAs(ownerA, url, { form: { intent: 'submit' } }), { needId: id })
		expect(again.status).toBe(409)
		expect(again.data.result.error['']).toEqual(['errors.need_not_submittable'])

		const page = await runRoute(needLoader, await requestAs(ownerA, url), { needId: id })
		expect(page.data.events.map((e: { action: string }) => e.action)).toEqual(['create', 'submit'])
		expect(page.data.viewer).toMatchObject({ canEdit: false, canSubmit: false, canCancel: true, canReview: false })
	})

	it('hides an unpublished need from anonymous visitors and other villages', async () => {
		const { id } = await createViaRoute(ownerA)
		expect((await runRoute(needLoader, await requestAs(null, `/needs/${id}`), { needId: id })).status).toBe(404)
		expect((await runRoute(needLoader, await requestAs(ownerB, `/needs/${id}`), { needId: id })).status).toBe(404)
		expect((await runRoute(needLoader, await requestAs(null, '/needs/nope'), { needId: 'nope' })).status).toBe(404)
	})

	it('adds and removes photos through the page, for village members only', async () => {
		const { id } = await createViaRoute(clerkA)
		const url = `/needs/${id}`
		const uploadsBefore = await countRows(ctx.db, 'upload')
		const stranger = await runRoute(needAction, await multipartAs(ownerB, url, { intent: 'add-photo' }, [{ name: 'x.png', bytes: PNG }]), { needId: id })
		expect(stranger.status).toBe(404)
		expect(await countRows(ctx.db, 'upload')).toBe(uploadsBefore)

		const none = await runRoute(needAction, await multipartAs(clerkA, url, { intent: 'add-photo' }), { needId: id })
		expect(none.status).toBe(400)
		expect(none.data.result.error.photos).toEqual(['validation.required'])

		const added = await runRoute(needAction, await multipartAs(clerkA, url, { intent: 'add-photo' }, [{ name: 'a.png', bytes: PNG }, { name: 'b.png', bytes: PNG }]), { needId: id })
		expect(added.status).toBe(200)
		expect(added.data).toMatchObject({ form: 'add-photo', notice: 'need.messages.photo_added' })
		const uploads = await ctx.db.selectFrom('upload').select('id').where('ownerId', '=', id).execute()
		expect(uploads).toHaveLength(2)

		// A photo of another need cannot be removed through this one.
		const other = await createViaRoute(clerkA, {}, [{ name: 'c.png', bytes: PNG }])
		const otherPhoto = await ctx.db.selectFrom('upload').select('id').where('ownerId', '=', other.id).executeTakeFirstOrThrow()
		const wrong = await runRoute(needAction, await requestAs(clerkA, url, { form: { intent: 'remove-photo', uploadId: otherPhoto.id } }), { needId: id })
		expect(wrong.status).toBe(404)
		expect(wrong.data.form).toBe(`remove-photo-${otherPhoto.id}`)

		const removed = await runRoute(needAction, await requestAs(clerkA, url, { form: { intent: 'remove-photo', uploadId: uploads[0].id } }), { needId: id })
		expect(removed.status).toBe(200)
		expect(removed.data.notice).toBe('need.messages.photo_removed')
		expect(await ctx.db.selectFrom('upload').select('id').where('ownerId', '=', id).execute()).toEqual([uploads[1]])
	})

	it('renders a title and description typed as HTML as inert text', async () => {
		const title = '<script>alert(1)</script>'
		const description = '第一行\n<img src=x onerror="alert(2)">\n第三行'
		const { id } = await createViaRoute(ownerA, { title, description, intent: 'submit' })
		await runRoute(needAction, await requestAs(townshipIn, `/needs/${id}`, { form: { intent: 'review', decision: 'publish' } }), { needId: id })

		const res = await runRoute(needLoader, await requestAs(null, `/needs/${id}`), { needId: id })
		expect(res.status).toBe(200)
		expect(res.data.need).toMatchObject({ title, description, status: 'published' })
		expect(res.data.viewer).toMatchObject({ canEdit: false, canReview: false, canClose: false })
		// The public sees what happened, not who at the village or the township did it.
		expect(res.data.events.map((e: { action: string; actorName: string | null }) => [e.action, e.actorName])).toEqual([
			['create', null],
			['submit', null],
			['publish', null],
		])
		const insider = await runRoute(needLoader, await requestAs(townshipIn, `/needs/${id}`), { needId: id })
		expect(insider.data.events.every((e: { actorName: string | null }) => !!e.actorName)).toBe(true)

		const html = await render(NeedPage, res.data, `/needs/${id}`)
		expect(html).not.toContain('<script>alert(1)</script>')
		expect(html).not.toContain('<img src=x')
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
		expect(html).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;')
		// Line breaks survive as text, kept visible by CSS.
		expect(html).toMatch(/white-space:pre-wrap[^>]*>第一行\n&lt;img/)
		expect(html).toContain('¥120,000')
		expect(html).toContain('暂无已接受的承诺。')
		expect(html).toContain('href="/regions/513431100201"')
		// An anonymous visitor gets no action forms.
		expect(html).not.toContain('name="intent"')

		// And no route of this feature renders raw HTML at all.
		for (const file of ['needs.new.tsx', 'needs.$needId.tsx', 'needs.$needId_.edit.tsx', 'review_.needs.tsx']) {
			expect(fs.readFileSync(path.join(import.meta.dirname, file), 'utf8')).not.toContain('dangerouslySetInnerHTML')
		}
	})
})

describe('/needs/:needId/edit', () => {
	it('refuses another village with 403 and leaves the need unchanged', async () => {
		const { id } = await createViaRoute(ownerA)
		const before = await needRow(id)
		const events = await countRows(ctx.db, 'event')
		expect((await runRoute(editLoader, await requestAs(ownerB, `/needs/${id}/edit`), { needId: id })).status).toBe(404)
		const res = await runRoute(editAction, await requestAs(ownerB, `/needs/${id}/edit`, { form: needForm({ title: '被改掉的标题' }) }), { needId: id })
		expect(res.status).toBe(403)
		expect(res.data.result.error['']).toEqual(['errors.need_not_village_member'])
		expect(await needRow(id)).toEqual(before)
		expect(await countRows(ctx.db, 'event')).toBe(events)
		expect((await runRoute(editLoader, await requestAs(null, `/needs/${id}/edit`), { needId: id })).status).toBe(302)
	})

	it('prefills the form, saves changes and redirects back; locked once submitted', async () => {
		const { id } = await createViaRoute(clerkA, { measure: 'quantity', quantity: '30', unit: '人', amount: '' })
		const page = await runRoute(editLoader, await requestAs(clerkA, `/needs/${id}/edit`), { needId: id })
		expect(page.data).toMatchObject({ canEdit: true, canSubmit: false })
		expect(page.data.values).toMatchObject({ measure: 'quantity', quantity: '30', unit: '人', amount: '', neededBy: dateIn(60) })

		const bad = await runRoute(editAction, await requestAs(clerkA, `/needs/${id}/edit`, { form: needForm({ amount: 'abc' }) }), { needId: id })
		expect(bad.status).toBe(400)
		expect(bad.data.result.error).toMatchObject({ amount: ['validation.amount_format'] })

		const saved = await runRoute(editAction, await requestAs(clerkA, `/needs/${id}/edit`, { form: needForm({ title: '改后的标题', amount: '8000' }) }), { needId: id })
		expect(saved.status).toBe(302)
		expect(saved.location).toBe(`/needs/${id}?notice=updated`)
		expect(await needRow(id)).toMatchObject({ title: '改后的标题', measure: 'amount', target: 800_000, unit: null, status: 'draft' })

		const submit = await runRoute(editAction, await requestAs(ownerA, `/needs/${id}/edit`, { form: needForm({ title: '再改并提交', intent: 'submit' }) }), { needId: id })
		expect(submit.location).toBe(`/needs/${id}?notice=submitted`)
		expect((await needRow(id)).status).toBe('submitted')

		const locked = await runRoute(editLoader, await requestAs(clerkA, `/needs/${id}/edit`), { needId: id })
		expect(locked.data).toMatchObject({ canEdit: false, values: null })
		const late = await runRoute(editAction, await requestAs(clerkA, `/needs/${id}/edit`, { form: needForm() }), { needId: id })
		expect(late.status).toBe(409)
		expect((await needRow(id)).title).toBe('再改并提交')
	})
})

describe('review of needs', () => {
	it('refuses an official of another township (403) and lets the covering one publish', async () => {
		const { id } = await createViaRoute(ownerA, { intent: 'submit' }, [{ name: 'p.png', bytes: PNG }])
		const url = `/needs/${id}`

		const outside = await runRoute(needAction, await requestAs(townshipOut, url, { form: { intent: 'review', decision: 'publish' } }), { needId: id })
		expect(outside.status).toBe(403)
		expect(outside.data.form).toBe('review-publish')
		expect(outside.data.result.error['']).toEqual(['errors.outside_jurisdiction'])
		const outsideQueue = await runRoute(queueAction, await requestAs(townshipOut, '/review/needs', { form: { needId: id, decision: 'publish' } }))
		expect(outsideQueue.status).toBe(403)
		expect((await runRoute(queueLoader, await requestAs(townshipOut, '/review/needs'))).data.rows.map((r: { id: string }) => r.id)).not.toContain(id)
		expect((await needRow(id)).status).toBe('submitted')

		const queue = await runRoute(queueLoader, await requestAs(townshipIn, '/review/needs'))
		expect(queue.status).toBe(200)
		expect(queue.data.rows.find((r: { id: string }) => r.id === id)).toMatchObject({
			villageName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村',
			category: 'industry',
			target: 12_000_000,
			photoCount: 1,
		})
		expect(queue.data.total).toBeGreaterThanOrEqual(1)

		const noReason = await runRoute(queueAction, await requestAs(townshipIn, '/review/needs', { form: { needId: id, decision: 'return', reason: ' ' } }))
		expect(noReason.status).toBe(400)
		expect(noReason.data).toMatchObject({ needId: id, decision: 'return', notice: null })
		expect(noReason.data.result.error).toMatchObject({ reason: ['validation.required'] })

		const published = await runRoute(queueAction, await requestAs(townshipIn, '/review/needs', { form: { needId: id, decision: 'publish' } }))
		expect(published.status).toBe(200)
		expect(published.data.notice).toEqual({ decision: 'publish', title: '三河村花椒烘干设备资金缺口' })
		expect(await needRow(id)).toMatchObject({ status: 'published', reviewedBy: townshipIn })

		const twice = await runRoute(needAction, await requestAs(townshipIn, url, { form: { intent: 'review', decision: 'reject', reason: '重复' } }), { needId: id })
		expect(twice.status).toBe(409)
		expect(twice.data.form).toBe('review-reject')
	})

	it('returns with a reason from the need page; the queue is for officials only', async () => {
		const { id } = await createViaRoute(ownerA, { intent: 'submit' })
		const res = await runRoute(needAction, await requestAs(townshipIn, `/needs/${id}`, { form: { intent: 'review', decision: 'return', reason: '请补充预算明细' } }), { needId: id })
		expect(res.status).toBe(200)
		expect(res.data.notice).toBe('need.messages.returned')
		expect(await needRow(id)).toMatchObject({ status: 'returned', statusNote: '请补充预算明细' })

		expect((await runRoute(queueLoader, await requestAs(ownerA, '/review/needs'))).status).toBe(403)
		expect((await runRoute(queueAction, await requestAs(ownerA, '/review/needs', { form: { needId: id, decision: 'publish' } }))).status).toBe(403)
		expect((await runRoute(queueLoader, await requestAs(null, '/review/needs'))).status).toBe(302)
	})
})

describe('/uploads/:uploadId', () => {
	it('serves the stored bytes with their sniffed type and protective headers', async () => {
		const { id } = await createViaRoute(ownerA, {}, [{ name: '村口 (1)\'s.jpg', bytes: PNG, type: 'image/jpeg' }])
		const upload = await ctx.db.selectFrom('upload').select('id').where('ownerId', '=', id).executeTakeFirstOrThrow()
		const res = await uploadLoader({ request: await requestAs(ownerA, `/uploads/${upload.id}`), params: { uploadId: upload.id }, context: {} })
		expect(res.status).toBe(200)
		// What the bytes are, not what the browser claimed.
		expect(res.headers.get('content-type')).toBe('image/png')
		expect(res.headers.get('x-content-type-options')).toBe('nosniff')
		expect(res.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''%E6%9D%91%E5%8F%A3%20%281%29%27s.jpg")
		expect(res.headers.get('cache-control')).toBe('private, max-age=3600')
		expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
		expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG)
	})

	it('is 404 for an unpublished need’s photo to an anonymous viewer, and for unknown ids', async () => {
		const { id } = await createViaRoute(ownerA, { intent: 'submit' }, [{ name: 'p.png', bytes: PNG }])
		const upload = await ctx.db.selectFrom('upload').select('id').where('ownerId', '=', id).executeTakeFirstOrThrow()
		const get = async (accountId: string | null, uploadId = upload.id) =>
			uploadLoader({ request: await requestAs(accountId, `/uploads/${uploadId}`), params: { uploadId }, context: {} })

		const anon = await get(null)
		expect(anon.status).toBe(404)
		expect(anon.headers.get('x-content-type-options')).toBe('nosniff')
		expect((await get(ownerB)).status).toBe(404)
		expect((await get(townshipIn)).status).toBe(200)
		expect((await get(null, 'no-such-upload')).status).toBe(404)

		await runRoute(needAction, await requestAs(townshipIn, `/needs/${id}`, { form: { intent: 'review', decision: 'publish' } }), { needId: id })
		expect((await get(null)).status).toBe(200)
	})
})
