/** The url with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(rtsps?:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** Why `url` is not an RTSP url, or undefined when it is one. */
export function rtspUrlProblem(url: string): string | undefined {
  if (!/^rtsps?:\/\/[^/\s]+/i.test(url)) return `'${redactUrl(url)}' is not an RTSP url. Fix: write rtsp://[user:password@]host[:port]/path, as the camera's manual gives it`;
  return undefined;
}
