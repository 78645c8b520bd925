import { createInstance } from 'i18next'
import { type ComponentType, createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { StaticRouterProvider, createStaticHandler, createStaticRouter } from 'react-router-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import i18nConfig, { resources } from '#app/i18n.ts'
import { authenticateApiToken, createApiToken, hashToken } from '#app/models/api-token.server.ts'
import { tm } from '#app/utils/i18n-message.ts'
import { countRows, makeAccount, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import SettingsPage, { action, loader } from './settings.tsx'

const ctx = useGlobalTestDb()

/** Server-renders the page with this loader data (and this action data, as after a POST). */
async function render(loaderData: object, actionData?: object, lng = 'zh-CN') {
	const handler = createStaticHandler([{ id: 'page', path: '*', loader: () => loaderData, action: () => actionData ?? null, Component: SettingsPage as ComponentType }])
	const request = actionData ? new Request('http://localhost/settings', { method: 'POST', body: new URLSearchParams({ intent: 'create-token' }) }) : new Request('http://localhost/settings')
	const context = await handler.query(request)
	if (context instanceof Response) throw new Error('unexpected response')
	const router = createStaticRouter(handler.dataRoutes, context)
	const i18n = createInstance()
	await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources })
	return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

function translate(lng: 'zh-CN' | 'en') {
	const i18n = createInstance()
	void i18n.init({ lng, resources, initImmediate: false })
	return (key: string) => tm(i18n.t, key)
}

let owner: string

beforeAll(async () => {
	await seedRegions(ctx.db)
	owner = (await makeAccount(ctx.db)).id
})

describe('/settings: API tokens', () => {
	it('sends an anonymous visitor to log in, and creates nothing', async () => {
		const before = await countRows(ctx.db, 'apiToken')
		expect((await runRoute(loader, await requestAs(null, '/settings'))).location).toMatch(/^\/login\?redirectTo=/)
		const posted = await runRoute(action, await requestAs(null, '/settings', { form: { intent: 'create-token', name: 'x', scope: 'read', expiresInDays: 30 } }))
		expect(posted.location).toMatch(/^\/login\?redirectTo=/)
		expect(await countRows(ctx.db, 'apiToken')).toBe(before)
	})

	it('creates a token and shows it once, with a warning; the list and the database never hold it', async () => {
		const res = await runRoute(action, await requestAs(owner, '/settings', { form: { intent: 'create-token', name: '县级数据平台', scope: 'read_write', expiresInDays: 30 } }))
		expect(res.status).toBe(200)
		expect(res.headers.get('cache-control')).toBe('no-store')
		const created = res.data.created as { token: string; name: string; scope: string; expiresAt: number }
		expect(created).toMatchObject({ name: '县级数据平台', scope: 'read_write' })
		expect(created.token).toMatch(/^bfk_/)
		expect(created.expiresAt - Date.now()).toBeGreaterThan(29 * 86_400_000)
		expect((await authenticateApiToken(ctx.db, created.token)).ok).toBe(true)

		const row = await ctx.db.selectFrom('apiToken').selectAll().where('accountId', '=', owner).where('name', '=', '县级数据平台').executeTakeFirstOrThrow()
		expect(row.tokenHash).toBe(hashToken(created.token))
		expect(JSON.stringify(row)).not.toContain(created.token)

		const page = await runRoute(loader, await requestAs(owner, '/settings'))
		expect(JSON.stringify(page.data)).not.toContain(created.token)
		expect(page.data.tokens).toEqual([expect.objectContaining({ name: '县级数据平台', prefix: created.token.slice(0, 10), scope: 'read_write', state: 'active', lastUsedAt: expect.any(Number) })])
		expect(page.data.tokens[0]).not.toHaveProperty('tokenHash')

		// Rendered right after creating: the token, the copy hint and the warning; then never again.
		const once = await render(page.data, res.data)
		expect(once).toContain(created.token)
		expect(once).toContain('此令牌不会再次显示')
		expect(once).toContain('您的新令牌')
		const later = await render(page.data)
		expect(later).not.toContain(created.token)
		expect(later).toContain(`${created.token.slice(0, 10)}…`)
		expect(later).toContain('读写')
		expect(later).toContain('撤销')
		const english = await render(page.data, res.data, 'en')
		expect(english).toContain('it will not be shown again')
	})

	it('refuses a bad name, scope or expiry, naming each field in zh-CN and en, and creates nothing', async () => {
		const before = await countRows(ctx.db, 'apiToken')
		const zh = translate('zh-CN')
		const en = translate('en')
		for (const [form, field] of [
			[{ name: '   ', scope: 'read', expiresInDays: 30 }, 'name'],
			[{ name: 'x', scope: 'admin', expiresInDays: 30 }, 'scope'],
			[{ name: 'x', scope: 'read', expiresInDays: 0 }, 'expiresInDays'],
			[{ name: 'x', scope: 'read', expiresInDays: 366 }, 'expiresInDays'],
			[{ name: 'x', scope: 'read', expiresInDays: '九十' }, 'expiresInDays'],
			[{ name: 'x'.repeat(101), scope: 'read', expiresInDays: 30 }, 'name'],
		] as const) {
			const res = await runRoute(action, await requestAs(owner, '/settings', { form: { intent: 'create-token', ...form } }))
			expect(res.status, JSON.stringify(form)).toBe(400)
			expect(res.data.intent).toBe('create-token')
			expect(res.data.created).toBeUndefined()
			const errors = res.data.result.error as Record<string, string[]>
			expect(Object.keys(errors)).toEqual([field])
			expect(zh(errors[field][0])).not.toBe(zh('errors.invalid'))
			expect(en(errors[field][0])).not.toBe(en('errors.invalid'))
		}
		const expiry = await runRoute(action, await requestAs(owner, '/settings', { form: { intent: 'create-token', name: 'x', scope: 'read', expiresInDays: 400 } }))
		expect(zh(expiry.data.result.error.expiresInDays[0])).toBe('有效期须为 1 到 365 天')
		expect(en(expiry.data.result.error.expiresInDays[0])).toBe('The expiry must be 1 to 365 days')
		expect(await countRows(ctx.db, 'apiToken')).toBe(before)
	})

	it('refuses a 21st active token with the form error', async () => {
		const busy = (await makeAccount(ctx.db)).id
		for (let i = 0; i < 20; i++) await createApiToken(ctx.db, busy, { name: `t${i}`, scope: 'read', expiresInDays: 1 })
		const res = await runRoute(action, await requestAs(busy, '/settings', { form: { intent: 'create-token', name: 'one more', scope: 'read', expiresInDays: 1 } }))
		expect(res.status).toBe(409)
		expect(res.data.result.error['']).toEqual(['api.errors.too_many_tokens|{"max":20}'])
		expect(await countRows(ctx.db, 'apiToken')).toBeGreaterThanOrEqual(20)
	})

	it('revokes one of the account’s own tokens; another account’s token is not found and stays active', async () => {
		const mine = await createApiToken(ctx.db, owner, { name: '将撤销', scope: 'read', expiresInDays: 10 })
		const res = await runRoute(action, await requestAs(owner, '/settings', { form: { intent: 'revoke-token', tokenId: mine.id } }))
		expect([res.status, res.data.revoked]).toEqual([200, true])
		expect(await authenticateApiToken(ctx.db, mine.token)).toEqual({ ok: false, reason: 'revoked' })
		const listed = (await runRoute(loader, await requestAs(owner, '/settings'))).data.tokens.find((t: { id: string }) => t.id === mine.id)
		expect(listed.state).toBe('revoked')
		expect(await render((await runRoute(loader, await requestAs(owner, '/settings'))).data)).toContain('已撤销')

		const other = (await makeAccount(ctx.db)).id
		const theirs = await createApiToken(ctx.db, other, { name: '别人的', scope: 'read_write', expiresInDays: 10 })
		const refused = await runRoute(action, await requestAs(owner, '/settings', { form: { intent: 'revoke-token', tokenId: theirs.id } }))
		expect(refused.status).toBe(404)
		expect((await authenticateApiToken(ctx.db, theirs.token)).ok).toBe(true)
		expect((await runRoute(action, await requestAs(owner, '/settings', { form: { intent: 'revoke-token' } }))).status).toBe(404)
	})

	it('keeps the password form working beside the token forms', async () => {
		const res = await runRoute(action, await requestAs(owner, '/settings', { form: { intent: 'password', currentPassword: 'wrong-Pass-2026', newPassword: 'Another-Pass-2027', confirmPassword: 'Another-Pass-2027' } }))
		expect(res.status).toBeGreaterThanOrEqual(400)
		expect(res.data.intent).toBe('password')
		expect(res.data.changed).toBeFalsy()
		// A form posted without an intent (an older page) is still the password form.
		const legacy = await runRoute(action, await requestAs(owner, '/settings', { form: { currentPassword: '', newPassword: '', confirmPassword: '' } }))
		expect([legacy.status, legacy.data.intent]).toEqual([400, 'password'])
		expect(Object.keys(legacy.data.result.error)).toContain('currentPassword')
	})
})
