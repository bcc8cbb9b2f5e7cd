/** fetch against the app with a cookie jar, redirects left to the caller (as next-auth needs). */
export function cookieJar(appUrl: string) {
  const jar = new Map<string, string>();
  return async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${appUrl}${path}`, {
      ...init,
      redirect: "manual",
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...jar].map(([name, value]) => `${name}=${value}`).join("; "),
      },
    });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = setCookie.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1);
      if (
        !value ||
        attributes.some((attribute) => /max-age=0|expires=thu, 01 jan 1970/i.test(attribute))
      )
        jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
}
