import { type ActionFunctionArgs, redirect } from '@remix-run/node'
import { isLanguage } from '#app/i18n.ts'
import { localeCookie } from '#app/i18next.server.ts'
import { safeRedirect } from '#app/utils/redirect.ts'

export async function loader() {
	return redirect('/')
}

/** The language switch: a plain form post, so it works without JavaScript. */
export async function action({ request }: ActionFunctionArgs) {
	const formData = await request.formData()
	const lng = formData.get('lng')
	const to = safeRedirect(formData.get('redirectTo'))
	if (!isLanguage(lng)) return redirect(to)
	return redirect(to, { headers: { 'Set-Cookie': await localeCookie.serialize(lng) } })
}
