import { createCookie } from '@remix-run/node'
import { RemixI18Next } from 'remix-i18next/server'
import i18n, { DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, resources } from './i18n.ts'

export const localeCookie = createCookie('lng', {
	path: '/',
	sameSite: 'lax',
	httpOnly: true,
	maxAge: 365 * 24 * 3600,
})

export const i18next = new RemixI18Next({
	detection: {
		supportedLanguages: [...SUPPORTED_LANGUAGES],
		fallbackLanguage: DEFAULT_LANGUAGE,
		cookie: localeCookie,
		// The language switch sets the cookie; without it, Chinese. `?lng=en` works for links.
		order: ['searchParams', 'cookie'],
	},
	i18next: { ...i18n, resources },
})
