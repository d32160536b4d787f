export default function NotFound() {
  return (
    <div className="page-state">
      <h1>Page not found</h1>
      <p className="muted"><a href="/">Back to the markets</a></p>
    </div>
  );
}
