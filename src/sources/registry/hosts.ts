/** Registry hosts: which are loopback (plain HTTP allowed), and where Docker Hub's API lives. */

/** localhost, 127.0.0.0/8 and [::1], with or without a port. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host the API lives on: Docker Hub's API is not at docker.io. */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}
