// The browsable page of the API (/api/v1/docs): Swagger UI on the service's own document,
// from the service's own files (no outside resource; the page's Content-Security-Policy
// allows scripts from this site only, so this initializer is a file, not an inline script).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: document.getElementById("swagger-ui").dataset.document,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
  });
});
