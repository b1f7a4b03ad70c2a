// /docs: Swagger UI from the service's own files (swagger-ui-bundle), started here rather than by an inline script,
// so that the Content-Security-Policy's script-src 'self' holds on this page too.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
