from django.urls import path, re_path

from articles import archive, authors, feeds, preview, search_views, taxonomy_views, views
from articles.models import USERNAME_IN_ADDRESS

USERNAME = USERNAME_IN_ADDRESS.pattern

app_name = "articles"

urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="list"),
    # Before the detail pattern, which would otherwise read "feed" as a slug.
    path("articles/feed/", feeds.FacetFeed(), name="list_feed"),
    # ETags and 304s for every public page come from summit.page_cache, before any render.
    path("articles/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    # Previews of unpublished articles: staff (from the admin) and signed share links.
    path("preview/<int:pk>/", preview.StaffPreviewView.as_view(), name="preview"),
    path(
        "preview/shared/<str:token>/",
        preview.SharedPreviewView.as_view(),
        name="shared_preview",
    ),
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    path("tags/<uslug:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("tags/<uslug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("feed/", feeds.ArticleFeed(), name="feed"),
    path("feed/atom/", feeds.AtomArticleFeed(), name="feed_atom"),
    path("search/", search_views.search_view, name="search"),
    re_path(
        rf"^authors/(?P<username>{USERNAME})/$",
        authors.AuthorDetailView.as_view(),
        name="author",
    ),
    re_path(
        rf"^authors/(?P<username>{USERNAME})/feed/$",
        feeds.AuthorFeed(),
        name="author_feed",
    ),
    path("archive/", archive.archive_index, name="archive"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/$",
        archive.ArticleYearArchiveView.as_view(),
        name="archive_year",
    ),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>0[1-9]|1[0-2])/$",
        archive.ArticleMonthArchiveView.as_view(),
        name="archive_month",
    ),
]

# Articles by country, by area and both: three more URL groups, each with its own namespace,
# which the root URLconf mounts at /countries/, /areas/ and /coverage/.
country_patterns = (
    [
        path("", taxonomy_views.CountryListView.as_view(), name="list"),
        path("<uslug:slug>/", taxonomy_views.CountryDetailView.as_view(), name="detail"),
        path("<uslug:slug>/feed/", feeds.CountryFeed(), name="feed"),
    ],
    "countries",
)

area_patterns = (
    [
        path("", taxonomy_views.AreaListView.as_view(), name="list"),
        path("<uslug:slug>/", taxonomy_views.AreaDetailView.as_view(), name="detail"),
        path("<uslug:slug>/feed/", feeds.AreaFeed(), name="feed"),
    ],
    "areas",
)

coverage_patterns = (
    [path("", taxonomy_views.CoverageView.as_view(), name="matrix")],
    "coverage",
)
