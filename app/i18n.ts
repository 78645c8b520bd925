// i18next settings shared by server and client. Chinese first; English second.
// Each locale is split into files by area (app/locales/<lng>/<area>.json), each holding its own
// top-level keys, deep-merged into the one `translation` namespace.
export const SUPPORTED_LANGUAGES = ['zh-CN', 'en'] as const
export type Language = (typeof SUPPORTED_LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'zh-CN'

const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true })

export const resources: Record<Language, { translation: Record<string, unknown> }> = {
	'zh-CN': { translation: {} },
	en: { translation: {} },
}
function merge(target: Record<string, unknown>, source: Record<string, unknown>) {
	for (const [key, value] of Object.entries(source)) {
		const existing = target[key]
		if (value && typeof value === 'object' && existing && typeof existing === 'object') merge(existing as Record<string, unknown>, value as Record<string, unknown>)
		else target[key] = value
	}
}
for (const [path, mod] of Object.entries(files)) {
	const lng = path.split('/')[2] as Language
	if (resources[lng]) merge(resources[lng].translation, mod.default)
}

export function isLanguage(value: unknown): value is Language {
	return SUPPORTED_LANGUAGES.includes(value as Language)
}

export default {
	supportedLngs: [...SUPPORTED_LANGUAGES],
	fallbackLng: DEFAULT_LANGUAGE,
	defaultNS: 'translation',
	interpolation: { escapeValue: false },
	react: { useSuspense: false },
}
