/* kindenhance — low-light enhancement by a kind-pipe server, as a GStreamer video filter.
 *
 * SPDX-License-Identifier: MIT
 */
/**
 * SECTION:element-kindenhance
 *
 * Sends each video frame, with its format, size, rate and timestamp, over a Unix socket to
 * `kind-pipe serve` and writes the enhanced frame back into the buffer. Caps and timestamps are
 * kept: the element works in place. One frame is in flight at a time, so the element adds the
 * server's processing time to each buffer and the host pipeline's backpressure reaches the server.
 *
 * When the server is gone, fails a frame, or is slower than `timeout-ms`, `on-error` decides:
 * `passthrough` lets the frame through unenhanced (one warning per outage) and reconnects every
 * 500 ms; `error` stops the pipeline with a flow error. A reply that arrives after its timeout is
 * read and dropped; frames pass through meanwhile. The wire format is docs/gstreamer-protocol.md.
 *
 * ## Example launch line
 * |[
 * kind-pipe serve --socket /tmp/kind.sock examples/gstreamer/serve.yaml &
 * GST_PLUGIN_PATH=dist/gst gst-launch-1.0 videotestsrc num-buffers=50 ! video/x-raw,width=320,height=180 \
 *   ! videoconvert ! kindenhance socket-path=/tmp/kind.sock ! videoconvert ! vp8enc deadline=1 ! webmmux \
 *   ! filesink location=enhanced.webm
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

GST_DEBUG_CATEGORY_STATIC (kind_enhance_debug);
#define GST_CAT_DEFAULT kind_enhance_debug

#define EXAMPLE_LAUNCH \
  "kind-pipe serve --socket /tmp/kind.sock examples/gstreamer/serve.yaml & " \
  "gst-launch-1.0 videotestsrc num-buffers=50 ! video/x-raw,width=320,height=180 ! videoconvert " \
  "! kindenhance socket-path=/tmp/kind.sock ! videoconvert ! vp8enc deadline=1 ! webmmux ! filesink location=enhanced.webm"

/* ---- the wire format (docs/gstreamer-protocol.md; pipeline/serve/wire-format.ts) ---- */

#define HEADER_BYTES 48
#define PROTOCOL_VERSION 1
#define MESSAGE_FRAME 1
#define MESSAGE_RESULT 2
#define MESSAGE_ERROR 3
#define NO_PTS G_GUINT64_CONSTANT (0xffffffffffffffff)
#define MAX_ERROR_BYTES 65536
#define RECONNECT_INTERVAL_US (500 * G_TIME_SPAN_MILLISECOND)
/* A late reply is waited for (frames pass through meanwhile) for this many timeouts, then the
 * connection is dropped and made again. */
#define LATE_REPLY_TIMEOUTS 10

typedef struct
{
  guint16 type;
  guint32 format, width, height, fps_n, fps_d, payload_bytes;
  guint64 sequence, pts;
} KindMessageHeader;

static void
put_u16 (guint8 * at, guint16 v)
{
  at[0] = v & 0xff;
  at[1] = v >> 8;
}

static void
put_u32 (guint8 * at, guint32 v)
{
  for (int i = 0; i < 4; i++)
    at[i] = (v >> (8 * i)) & 0xff;
}

static void
put_u64 (guint8 * at, guint64 v)
{
  for (int i = 0; i < 8; i++)
    at[i] = (v >> (8 * i)) & 0xff;
}

static guint16
get_u16 (const guint8 * at)
{
  return at[0] | (at[1] << 8);
}

static guint32
get_u32 (const guint8 * at)
{
  return (guint32) at[0] | ((guint32) at[1] << 8) | ((guint32) at[2] << 16) | ((guint32) at[3] << 24);
}

static guint64
get_u64 (const guint8 * at)
{
  return (guint64) get_u32 (at) | ((guint64) get_u32 (at + 4) << 32);
}

static void
encode_header (const KindMessageHeader * h, guint8 out[HEADER_BYTES])
{
  memcpy (out, "KPGS", 4);
  put_u16 (out + 4, PROTOCOL_VERSION);
  put_u16 (out + 6, h->type);
  put_u32 (out + 8, h->format);
  put_u32 (out + 12, h->width);
  put_u32 (out + 16, h->height);
  put_u32 (out + 20, h->fps_n);
  put_u32 (out + 24, h->fps_d);
  put_u32 (out + 28, h->payload_bytes);
  put_u64 (out + 32, h->sequence);
  put_u64 (out + 40, h->pts);
}

static gboolean
decode_header (const guint8 in[HEADER_BYTES], KindMessageHeader * h)
{
  if (memcmp (in, "KPGS", 4) != 0 || get_u16 (in + 4) != PROTOCOL_VERSION)
    return FALSE;
  h->type = get_u16 (in + 6);
  h->format = get_u32 (in + 8);
  h->width = get_u32 (in + 12);
  h->height = get_u32 (in + 16);
  h->fps_n = get_u32 (in + 20);
  h->fps_d = get_u32 (in + 24);
  h->payload_bytes = get_u32 (in + 28);
  h->sequence = get_u64 (in + 32);
  h->pts = get_u64 (in + 40);
  return TRUE;
}

/* Pixel format codes, as pipeline/serve/pixel-formats.ts numbers them. */
static guint32
format_code (GstVideoFormat format)
{
  switch (format) {
    case GST_VIDEO_FORMAT_RGB: return 1;
    case GST_VIDEO_FORMAT_BGR: return 2;
    case GST_VIDEO_FORMAT_RGBx: return 3;
    case GST_VIDEO_FORMAT_BGRx: return 4;
    case GST_VIDEO_FORMAT_xRGB: return 5;
    case GST_VIDEO_FORMAT_xBGR: return 6;
    case GST_VIDEO_FORMAT_RGBA: return 7;
    case GST_VIDEO_FORMAT_BGRA: return 8;
    case GST_VIDEO_FORMAT_ARGB: return 9;
    case GST_VIDEO_FORMAT_ABGR: return 10;
    default: return 0;
  }
}

#define KIND_FORMATS "{ RGB, BGR, RGBx, BGRx, xRGB, xBGR, RGBA, BGRA, ARGB, ABGR }"

/* ---- the element ---- */

typedef enum
{
  KIND_ON_ERROR_PASSTHROUGH,
  KIND_ON_ERROR_ERROR,
} KindOnError;

#define KIND_TYPE_ON_ERROR (kind_on_error_get_type ())
static GType
kind_on_error_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {KIND_ON_ERROR_PASSTHROUGH, "Let the frame through unenhanced and reconnect", "passthrough"},
    {KIND_ON_ERROR_ERROR, "Stop the pipeline with an error", "error"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstKindEnhanceOnError", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define GST_TYPE_KIND_ENHANCE (gst_kind_enhance_get_type ())
G_DECLARE_FINAL_TYPE (GstKindEnhance, gst_kind_enhance, GST, KIND_ENHANCE, GstVideoFilter)

struct _GstKindEnhance
{
  GstVideoFilter parent;

  /* properties, under the object lock */
  gchar *socket_path;
  guint timeout_ms;
  KindOnError on_error;

  /* negotiated in set_info */
  guint32 format;
  gsize row_bytes;
  guint8 *packed;
  gsize packed_bytes;

  /* streaming-thread state */
  gint fd;
  guint64 sequence;
  gboolean reply_late;          /* a reply is owed for a frame that already went through */
  gint64 late_since;
  gint64 next_connect;
  gboolean in_outage;           /* one warning per outage */
};

G_DEFINE_TYPE (GstKindEnhance, gst_kind_enhance, GST_TYPE_VIDEO_FILTER);

enum
{
  PROP_0,
  PROP_SOCKET_PATH,
  PROP_TIMEOUT_MS,
  PROP_ON_ERROR,
};

#define DEFAULT_SOCKET_PATH NULL
#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_ON_ERROR KIND_ON_ERROR_PASSTHROUGH

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (KIND_FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (KIND_FORMATS)));

static void
disconnect (GstKindEnhance * self)
{
  if (self->fd >= 0) {
    close (self->fd);
    GST_DEBUG_OBJECT (self, "disconnected");
  }
  self->fd = -1;
  self->reply_late = FALSE;
}

/* Connects unless connected; a failed attempt is retried RECONNECT_INTERVAL_US later, so frames
 * are not held up by a server that is gone. */
static gboolean
ensure_connected (GstKindEnhance * self, GString * why)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  gint64 now = g_get_monotonic_time ();
  gchar *path;
  int fd;

  if (self->fd >= 0)
    return TRUE;
  if (now < self->next_connect) {
    g_string_assign (why, "not connected to kind-pipe serve (retrying every 500 ms)");
    return FALSE;
  }
  self->next_connect = now + RECONNECT_INTERVAL_US;
  GST_OBJECT_LOCK (self);
  path = g_strdup (self->socket_path);
  GST_OBJECT_UNLOCK (self);
  if (path == NULL || path[0] == '\0') {
    g_string_assign (why, "socket-path is not set");
    g_free (path);
    return FALSE;
  }
  if (strlen (path) >= sizeof address.sun_path) {
    g_string_printf (why, "socket-path %s is longer than %zu bytes", path, sizeof address.sun_path - 1);
    g_free (path);
    return FALSE;
  }
  strcpy (address.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &address, sizeof address) < 0) {
    g_string_printf (why, "cannot connect to kind-pipe serve at %s: %s", path, g_strerror (errno));
    if (fd >= 0)
      close (fd);
    g_free (path);
    return FALSE;
  }
  GST_INFO_OBJECT (self, "connected to %s", path);
  g_free (path);
  self->fd = fd;
  self->reply_late = FALSE;
  return TRUE;
}

typedef enum
{
  IO_OK,
  IO_TIMEOUT,
  IO_CLOSED,
} IoResult;

/* Sends or receives exactly `size` bytes before `deadline` (monotonic µs). */
static IoResult
transfer (GstKindEnhance * self, guint8 * data, gsize size, gboolean sending, gint64 deadline, GString * why)
{
  gsize done = 0;

  while (done < size) {
    ssize_t n = sending ? send (self->fd, data + done, size - done, MSG_NOSIGNAL)
        : recv (self->fd, data + done, size - done, 0);
    if (n > 0) {
      done += n;
      continue;
    }
    if (n == 0) {
      g_string_assign (why, "kind-pipe serve closed the connection");
      return IO_CLOSED;
    }
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      g_string_printf (why, "connection to kind-pipe serve failed: %s", g_strerror (errno));
      return IO_CLOSED;
    }
    {
      struct pollfd wait = { .fd = self->fd, .events = sending ? POLLOUT : POLLIN };
      gint64 left = deadline - g_get_monotonic_time ();
      int ready;
      if (left <= 0)
        goto timeout;
      ready = poll (&wait, 1, (int) ((left + 999) / 1000));
      if (ready == 0)
        goto timeout;
      if (ready < 0 && errno != EINTR) {
        g_string_printf (why, "poll failed: %s", g_strerror (errno));
        return IO_CLOSED;
      }
    }
  }
  return IO_OK;

timeout:
  g_string_printf (why, "kind-pipe serve took longer than timeout-ms to %s a frame", sending ? "take" : "answer");
  return IO_TIMEOUT;
}

/* Reads one reply into self->packed (a result) or `why` (an error message). Returns IO_OK for a
 * result of the expected size, IO_TIMEOUT with nothing read, IO_CLOSED when the stream cannot be
 * trusted any more; an error message from the server sets *server_error. */
static IoResult
read_reply (GstKindEnhance * self, guint64 sequence, gint64 deadline, gboolean * server_error, GString * why)
{
  guint8 bytes[HEADER_BYTES];
  KindMessageHeader h;
  IoResult r;

  *server_error = FALSE;
  if ((r = transfer (self, bytes, HEADER_BYTES, FALSE, deadline, why)) != IO_OK)
    return r;
  /* Once a header has begun, the rest of the message is owed: a timeout now breaks the stream. */
  if (!decode_header (bytes, &h)) {
    g_string_assign (why, "kind-pipe serve answered with an unreadable header (another protocol version?)");
    return IO_CLOSED;
  }
  if (h.type == MESSAGE_ERROR && h.payload_bytes <= MAX_ERROR_BYTES) {
    gchar *text = g_malloc0 (h.payload_bytes + 1);
    r = transfer (self, (guint8 *) text, h.payload_bytes, FALSE, deadline, why);
    if (r == IO_OK) {
      g_string_printf (why, "kind-pipe serve: %s", text);
      *server_error = TRUE;
    }
    g_free (text);
    return r == IO_OK ? (h.sequence == sequence ? IO_OK : IO_CLOSED) : IO_CLOSED;
  }
  if (h.type != MESSAGE_RESULT || h.sequence != sequence || h.payload_bytes != self->packed_bytes) {
    g_string_printf (why, "kind-pipe serve sent an unexpected message (type %u, frame %" G_GUINT64_FORMAT
        ", %u bytes) for frame %" G_GUINT64_FORMAT, h.type, h.sequence, h.payload_bytes, sequence);
    return IO_CLOSED;
  }
  r = transfer (self, self->packed, self->packed_bytes, FALSE, deadline, why);
  return r == IO_OK ? IO_OK : IO_CLOSED;
}

static gint64
timeout_us (GstKindEnhance * self)
{
  guint ms;
  GST_OBJECT_LOCK (self);
  ms = self->timeout_ms;
  GST_OBJECT_UNLOCK (self);
  return (gint64) ms * G_TIME_SPAN_MILLISECOND;
}

/* A late reply (its frame already went through): drop it if it has arrived. TRUE when the
 * connection is free for the next frame. */
static gboolean
settle_late_reply (GstKindEnhance * self, GString * why)
{
  struct pollfd wait = { .fd = self->fd, .events = POLLIN };
  gboolean server_error;

  if (!self->reply_late)
    return TRUE;
  if (poll (&wait, 1, 0) == 0) {
    if (g_get_monotonic_time () - self->late_since > LATE_REPLY_TIMEOUTS * timeout_us (self)) {
      g_string_assign (why, "kind-pipe serve has not answered for 10 × timeout-ms; reconnecting");
      disconnect (self);
    } else {
      g_string_assign (why, "kind-pipe serve is still busy with an earlier frame");
    }
    return FALSE;
  }
  if (read_reply (self, self->sequence - 1, g_get_monotonic_time () + timeout_us (self), &server_error, why) == IO_CLOSED) {
    disconnect (self);
    return FALSE;
  }
  self->reply_late = FALSE;
  return TRUE;
}

static GstFlowReturn
frame_failed (GstKindEnhance * self, const gchar * why)
{
  KindOnError on_error;

  GST_OBJECT_LOCK (self);
  on_error = self->on_error;
  GST_OBJECT_UNLOCK (self);
  if (on_error == KIND_ON_ERROR_ERROR) {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, ("%s", why),
        ("on-error=error; set on-error=passthrough to let frames through unenhanced instead"));
    return GST_FLOW_ERROR;
  }
  if (!self->in_outage) {
    GST_ELEMENT_WARNING (self, RESOURCE, FAILED, ("%s", why),
        ("frames pass through unenhanced until kind-pipe serve answers again (on-error=passthrough)"));
    self->in_outage = TRUE;
  }
  GST_LOG_OBJECT (self, "frame passes through: %s", why);
  return GST_FLOW_OK;
}

static void
pack (GstKindEnhance * self, GstVideoFrame * frame)
{
  const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  guint height = GST_VIDEO_FRAME_HEIGHT (frame);

  for (guint y = 0; y < height; y++)
    memcpy (self->packed + y * self->row_bytes, data + y * stride, self->row_bytes);
}

static void
unpack (GstKindEnhance * self, GstVideoFrame * frame)
{
  guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  guint height = GST_VIDEO_FRAME_HEIGHT (frame);

  for (guint y = 0; y < height; y++)
    memcpy (data + y * stride, self->packed + y * self->row_bytes, self->row_bytes);
}

static gboolean
gst_kind_enhance_set_info (GstVideoFilter * filter, GstCaps * incaps, GstVideoInfo * in_info,
    GstCaps * outcaps, GstVideoInfo * out_info)
{
  GstKindEnhance *self = GST_KIND_ENHANCE (filter);

  self->format = format_code (GST_VIDEO_INFO_FORMAT (in_info));
  if (self->format == 0)
    goto unsupported;
  self->row_bytes = (gsize) GST_VIDEO_INFO_WIDTH (in_info) * GST_VIDEO_INFO_COMP_PSTRIDE (in_info, 0);
  self->packed_bytes = self->row_bytes * GST_VIDEO_INFO_HEIGHT (in_info);
  g_free (self->packed);
  self->packed = g_malloc (self->packed_bytes);
  GST_DEBUG_OBJECT (self, "%s %dx%d, %zu bytes per frame", GST_VIDEO_INFO_NAME (in_info),
      GST_VIDEO_INFO_WIDTH (in_info), GST_VIDEO_INFO_HEIGHT (in_info), self->packed_bytes);
  return TRUE;

unsupported:
  GST_ERROR_OBJECT (self, "unsupported format %s", GST_VIDEO_INFO_NAME (in_info));
  return FALSE;
}

static GstFlowReturn
gst_kind_enhance_transform_frame_ip (GstVideoFilter * filter, GstVideoFrame * frame)
{
  GstKindEnhance *self = GST_KIND_ENHANCE (filter);
  GString *why = g_string_new (NULL);
  guint8 header[HEADER_BYTES];
  KindMessageHeader h = { 0 };
  gboolean server_error;
  GstClockTime pts = GST_BUFFER_PTS (frame->buffer);
  GstFlowReturn ret = GST_FLOW_OK;
  gint64 deadline;
  IoResult r;

  if (!ensure_connected (self, why) || !settle_late_reply (self, why))
    goto failed;

  h.type = MESSAGE_FRAME;
  h.format = self->format;
  h.width = GST_VIDEO_FRAME_WIDTH (frame);
  h.height = GST_VIDEO_FRAME_HEIGHT (frame);
  h.fps_n = MAX (GST_VIDEO_INFO_FPS_N (&frame->info), 0);
  h.fps_d = MAX (GST_VIDEO_INFO_FPS_D (&frame->info), 0);
  h.payload_bytes = self->packed_bytes;
  h.sequence = self->sequence++;
  h.pts = GST_CLOCK_TIME_IS_VALID (pts) ? pts : NO_PTS;
  encode_header (&h, header);
  pack (self, frame);

  deadline = g_get_monotonic_time () + timeout_us (self);
  if (transfer (self, header, HEADER_BYTES, TRUE, deadline, why) != IO_OK
      || transfer (self, self->packed, self->packed_bytes, TRUE, deadline, why) != IO_OK) {
    disconnect (self);          /* a frame half sent cannot be finished later */
    goto failed;
  }
  r = read_reply (self, h.sequence, deadline, &server_error, why);
  if (r == IO_TIMEOUT) {
    self->reply_late = TRUE;
    self->late_since = g_get_monotonic_time ();
    goto failed;
  }
  if (r == IO_CLOSED) {
    disconnect (self);
    goto failed;
  }
  if (server_error)
    goto failed;

  unpack (self, frame);
  if (self->in_outage) {
    GST_INFO_OBJECT (self, "kind-pipe serve answers again; frames are enhanced");
    self->in_outage = FALSE;
  }
  g_string_free (why, TRUE);
  return GST_FLOW_OK;

failed:
  ret = frame_failed (self, why->str);
  g_string_free (why, TRUE);
  return ret;
}

static gboolean
gst_kind_enhance_start (GstBaseTransform * trans)
{
  GstKindEnhance *self = GST_KIND_ENHANCE (trans);
  gboolean has_path;

  GST_OBJECT_LOCK (self);
  has_path = self->socket_path != NULL && self->socket_path[0] != '\0';
  GST_OBJECT_UNLOCK (self);
  if (!has_path)
    goto no_path;
  self->fd = -1;
  self->sequence = 0;
  self->next_connect = 0;
  self->in_outage = FALSE;
  self->reply_late = FALSE;
  return TRUE;

no_path:
  GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("kindenhance needs socket-path"),
      ("set socket-path to the --socket of kind-pipe serve, e.g. kindenhance socket-path=/tmp/kind.sock"));
  return FALSE;
}

static gboolean
gst_kind_enhance_stop (GstBaseTransform * trans)
{
  GstKindEnhance *self = GST_KIND_ENHANCE (trans);

  disconnect (self);
  g_clear_pointer (&self->packed, g_free);
  return TRUE;
}

static void
gst_kind_enhance_set_property (GObject * object, guint prop_id, const GValue * value, GParamSpec * pspec)
{
  GstKindEnhance *self = GST_KIND_ENHANCE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SOCKET_PATH:
      g_free (self->socket_path);
      self->socket_path = g_value_dup_string (value);
      break;
    case PROP_TIMEOUT_MS:
      self->timeout_ms = g_value_get_uint (value);
      break;
    case PROP_ON_ERROR:
      self->on_error = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_kind_enhance_get_property (GObject * object, guint prop_id, GValue * value, GParamSpec * pspec)
{
  GstKindEnhance *self = GST_KIND_ENHANCE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SOCKET_PATH:
      g_value_set_string (value, self->socket_path);
      break;
    case PROP_TIMEOUT_MS:
      g_value_set_uint (value, self->timeout_ms);
      break;
    case PROP_ON_ERROR:
      g_value_set_enum (value, self->on_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_kind_enhance_finalize (GObject * object)
{
  GstKindEnhance *self = GST_KIND_ENHANCE (object);

  g_free (self->socket_path);
  g_free (self->packed);
  G_OBJECT_CLASS (gst_kind_enhance_parent_class)->finalize (object);
}

static void
gst_kind_enhance_class_init (GstKindEnhanceClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  gobject_class->set_property = gst_kind_enhance_set_property;
  gobject_class->get_property = gst_kind_enhance_get_property;
  gobject_class->finalize = gst_kind_enhance_finalize;

  g_object_class_install_property (gobject_class, PROP_SOCKET_PATH,
      g_param_spec_string ("socket-path", "Socket path",
          "Unix socket of `kind-pipe serve --socket PATH FILE` (required; read when connecting)",
          DEFAULT_SOCKET_PATH, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TIMEOUT_MS,
      g_param_spec_uint ("timeout-ms", "Timeout (ms)",
          "Longest wait for one frame's round trip, in milliseconds; the first frame includes the "
          "server's model loading. Past it, on-error applies and the late reply is dropped",
          1, 600000, DEFAULT_TIMEOUT_MS, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_ON_ERROR,
      g_param_spec_enum ("on-error", "On error",
          "When the server is gone, fails a frame or is late: pass the frame through unenhanced "
          "(and reconnect every 500 ms), or stop with an error",
          KIND_TYPE_ON_ERROR, DEFAULT_ON_ERROR, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));

  gst_element_class_set_static_metadata (element_class, "KinD low-light enhancement",
      "Filter/Effect/Video",
      "Enhances dark video with a kind-pipe server (kind-pipe serve) over a Unix socket; "
      "keeps caps and timestamps (see Example below and docs/gstreamer-protocol.md)",
      "kind-pipe authors");
  gst_element_class_add_static_metadata (element_class, "example", EXAMPLE_LAUNCH);
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  trans_class->start = GST_DEBUG_FUNCPTR (gst_kind_enhance_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_kind_enhance_stop);
  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_kind_enhance_set_info);
  filter_class->transform_frame_ip = GST_DEBUG_FUNCPTR (gst_kind_enhance_transform_frame_ip);

  gst_type_mark_as_plugin_api (KIND_TYPE_ON_ERROR, 0);
}

static void
gst_kind_enhance_init (GstKindEnhance * self)
{
  self->socket_path = g_strdup (DEFAULT_SOCKET_PATH);
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->on_error = DEFAULT_ON_ERROR;
  self->fd = -1;
}

static gboolean
plugin_init (GstPlugin * plugin)
{
  GST_DEBUG_CATEGORY_INIT (kind_enhance_debug, "kindenhance", 0, "KinD low-light enhancement via kind-pipe serve");
  return gst_element_register (plugin, "kindenhance", GST_RANK_NONE, GST_TYPE_KIND_ENHANCE);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, kindenhance,
    "Low-light enhancement of video by a kind-pipe server",
    plugin_init, PACKAGE_VERSION, "MIT/X11", "kind-pipe", "kind-pipe gst/ (local build)")
