import { describe, expect, it } from 'vitest'
import { crossSiteRefusal } from './origin.server.ts'

const base = { method: 'POST', path: '/needs/new', host: 'bangfu.example.cn', origin: undefined, referer: undefined, authorization: undefined }

describe('cross-site request check', () => {
	it('lets reads through and same-site writes in', () => {
		for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) expect(crossSiteRefusal({ ...base, method, origin: 'https://evil.example' })).toBeNull()
		expect(crossSiteRefusal({ ...base, origin: 'https://bangfu.example.cn' })).toBeNull()
		expect(crossSiteRefusal({ ...base, referer: 'https://bangfu.example.cn/needs/new' })).toBeNull()
		expect(crossSiteRefusal({ ...base, host: 'Bangfu.Example.cn', origin: 'https://bangfu.example.cn' })).toBeNull()
	})

	it('refuses another site, an opaque origin, and a write that names no origin', () => {
		expect(crossSiteRefusal({ ...base, origin: 'https://evil.example' })).toBe('cross_site')
		expect(crossSiteRefusal({ ...base, origin: 'https://bangfu.example.cn.evil.example' })).toBe('cross_site')
		expect(crossSiteRefusal({ ...base, origin: 'http://bangfu.example.cn:8080' })).toBe('cross_site')
		expect(crossSiteRefusal({ ...base, origin: 'null' })).toBe('cross_site')
		expect(crossSiteRefusal({ ...base, referer: 'https://evil.example/page' })).toBe('cross_site')
		expect(crossSiteRefusal(base)).toBe('no_origin')
		for (const method of ['PUT', 'PATCH', 'DELETE']) expect(crossSiteRefusal({ ...base, method, origin: 'https://evil.example' })).toBe('cross_site')
	})

	it('exempts API calls that carry a Bearer token, and only those', () => {
		expect(crossSiteRefusal({ ...base, path: '/api/v1/needs', authorization: 'Bearer bfk_abc' })).toBeNull()
		expect(crossSiteRefusal({ ...base, path: '/api/v1/needs' })).toBe('no_origin')
		expect(crossSiteRefusal({ ...base, path: '/needs/new', authorization: 'Bearer bfk_abc' })).toBe('no_origin')
	})
})
