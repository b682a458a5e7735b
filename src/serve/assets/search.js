// Results as you type on the search page of `ct serve`. The page works without this script: the
// form is a plain GET form. Loaded from /assets/ (the Content-Security-Policy allows no inline
// script); the results are HTML rendered and escaped by the server.
(() => {
  const form = document.querySelector('form.search');
  const results = document.getElementById('results');
  if (!form || !results) return;
  const query = form.querySelector('#q');
  const tag = form.querySelector('#tag');
  let timer;
  let controller;

  const update = async () => {
    const params = new URLSearchParams();
    if (query.value.trim()) params.set('q', query.value.trim());
    if (tag.value.trim()) params.set('tag', tag.value.trim());
    controller?.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`/search/results?${params}`, {
        signal: controller.signal,
        credentials: 'same-origin',
      });
      if (!response.ok) return;
      results.innerHTML = await response.text();
      results.dataset.query = query.value.trim();
      const url = params.toString() ? `/?${params}` : '/';
      history.replaceState(null, '', url);
    } catch (error) {
      if (error.name !== 'AbortError') results.dataset.error = String(error);
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 200);
  };
  query.addEventListener('input', schedule);
  tag.addEventListener('change', schedule);
})();
