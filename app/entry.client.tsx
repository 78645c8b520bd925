import { RemixBrowser } from '@remix-run/react'
import i18next from 'i18next'
import { StrictMode, startTransition } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { getInitialNamespaces } from 'remix-i18next/client'
import i18n, { resources } from './i18n.ts'

async function hydrate() {
	await i18next
		.use(initReactI18next)
		.init({ ...i18n, lng: document.documentElement.lang || 'zh-CN', ns: getInitialNamespaces(), resources })
	startTransition(() => {
		hydrateRoot(
			document,
			<I18nextProvider i18n={i18next}>
				<StrictMode>
					<RemixBrowser />
				</StrictMode>
			</I18nextProvider>,
		)
	})
}

hydrate()
